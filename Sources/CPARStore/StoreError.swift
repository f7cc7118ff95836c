import CPARCore

/// Errors from the state store. Messages name the database, the operation and SQLite's own message;
/// they never carry patient data (patient IDs, PHNs, names or dates).
public enum StoreError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The database file could not be opened or prepared (permissions, missing directory, not a database, …).
    case open(path: String, message: String)
    /// SQLite refused a statement. `code` is SQLite's extended result code.
    case sqlite(path: String, operation: String, code: Int32, message: String)
    /// The database was written by a newer cpard (its `user_version` is above what this build knows).
    case schemaTooNew(path: String, found: Int, supported: Int)
    /// A stored value could not be read back (e.g. a malformed date); the value itself is not shown.
    case invalidValue(table: String, column: String)
    case panelNotFound(id: Int64)
    /// Another panel already has this CPAR panel number.
    case duplicatePanelNumber(String)
    /// More than one panel has this name (and none has it as its number).
    case ambiguousPanelName(name: String, count: Int)
    /// A panel with patients on it cannot be deleted; move or remove them first.
    case panelHasPatients(label: String, count: Int)
    case submissionNotFound(id: String)
    case duplicateSubmissionID(String)
    /// A scheduled submission for this (panel, period) already exists: the monthly run submits once.
    case duplicateScheduled(panelLabel: String, period: Period)
    case noticeNotFound(id: Int64)

    public var description: String {
        switch self {
        case let .open(path, message):
            return "state store \(path): cannot open database: \(message)"
        case let .sqlite(path, operation, code, message):
            return "state store \(path): \(operation) failed: \(message) (SQLite code \(code))"
        case let .schemaTooNew(path, found, supported):
            return "state store \(path): schema version \(found) is newer than this cpard supports (\(supported)); "
                + "upgrade cpard"
        case let .invalidValue(table, column):
            return "state store: unreadable value in \(table).\(column)"
        case let .panelNotFound(id):
            return "no panel with id \(id)"
        case let .duplicatePanelNumber(number):
            return "another panel already has CPAR panel number \(number)"
        case let .ambiguousPanelName(name, count):
            return "\(count) panels are named '\(name)'; name the panel by its CPAR panel number"
        case let .panelHasPatients(label, count):
            return "panel \(label) has \(count) patient\(count == 1 ? "" : "s") on it; move or remove them first"
        case let .submissionNotFound(id):
            return "no submission with id \(id)"
        case let .duplicateSubmissionID(id):
            return "a submission with id \(id) already exists"
        case let .duplicateScheduled(label, period):
            return "panel \(label) already has a scheduled submission for \(period)"
        case let .noticeNotFound(id):
            return "no notice with id \(id)"
        }
    }
}
