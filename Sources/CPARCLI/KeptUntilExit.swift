/// Large values a command has finished with just before `cparctl` exits. Dropping them would free every record
/// one by one (tens of milliseconds for a million patients, on one core) for memory that the exit hands back to the
/// system at once; they are kept instead. For commands run once per process, never for the daemon.
enum KeptUntilExit {
    private final class Box<T> {
        let value: T
        init(_ value: T) { self.value = value }
    }

    static func keep<T>(_ value: T) { _ = Unmanaged.passRetained(Box(value)) }
}
