/// What `SampleData.generate` wrote.
public struct SampleDataSummary: Sendable, Equatable, CustomStringConvertible {
    public struct File: Sendable, Equatable {
        public var path: String
        /// Data rows (header not counted); for the setup script, the cparctl commands.
        public var rows: Int
        public var bytes: Int
    }

    public var directory: String
    public var providers: File
    public var patients: File
    public var appointments: File
    public var panelImport: File
    public var setupScript: File
    public var panels: Int
    /// How many patients of each planted kind were written.
    public var planted: [SampleData.PlantedKind: Int]
    /// The CPAR conflict and mismatch reports (SPEC §14) and what importing them must give.
    public var conflictReport: File
    public var mismatchReport: File
    public var reportAnswers: SampleReports.Answers

    public var files: [File] { [providers, patients, appointments, panelImport, setupScript, conflictReport, mismatchReport] }
    /// Bytes of the three EMR files (what `extract` reads).
    public var emrBytes: Int { providers.bytes + patients.bytes + appointments.bytes }
    public var totalBytes: Int { files.reduce(0) { $0 + $1.bytes } }

    public var description: String {
        var lines = files.map { "\($0.path): \($0.rows) rows, \($0.bytes) bytes" }
        lines.append("\(panels) panels; \(planted.values.reduce(0, +)) planted invalid patients of "
                     + "\(planted.count) kinds; EMR files \(emrBytes) bytes")
        return lines.joined(separator: "\n")
    }
}
