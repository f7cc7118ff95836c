/// Who is changing memberships, and with which command: recorded with every change (SPEC §14).
public struct AuditActor: Equatable, Sendable {
    public var user: String
    public var command: String
    /// Fixed time for the rows (tests); nil = the database's clock at the change.
    public var time: Int64?

    public init(user: String, command: String, time: Int64? = nil) {
        self.user = user; self.command = command; self.time = time
    }

    /// The person behind a process: `SUDO_USER` when set (an administrator running `sudo cparctl`), else the
    /// account of the real uid (`loginName`, from the password database), else `USER`/`LOGNAME`, else `uid N`.
    /// Pure: the caller passes the environment, uid and account name.
    public static func invokingUser(environment: [String: String], uid: UInt32, loginName: String?) -> String {
        if let v = environment["SUDO_USER"], !v.isEmpty { return String(v.prefix(64)) }
        if let loginName, !loginName.isEmpty { return String(loginName.prefix(64)) }
        for key in ["USER", "LOGNAME"] {
            if let v = environment[key], !v.isEmpty { return String(v.prefix(64)) }
        }
        return "uid \(uid)"
    }
}
