/// cpard's version, shown by `--version` and sent in the registry User-Agent.
public enum CPARVersion {
    public static let string = "0.1.0"
}
