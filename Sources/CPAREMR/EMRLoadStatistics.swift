/// Sizes and timings of one load, for logs and the benchmark.
public struct EMRLoadStatistics: Sendable, Equatable {
    public var providerRows = 0
    public var patientRows = 0
    public var appointmentRows = 0
    /// Bytes of the three files.
    public var bytes = 0
    public var patientsSeconds = 0.0
    public var indexSeconds = 0.0
    public var appointmentsSeconds = 0.0
    public var totalSeconds = 0.0
    /// Workers whose speculative start fell inside a quoted field (their range was re-read by the previous worker).
    public var discardedWorkers = 0
    public init() {}
}
