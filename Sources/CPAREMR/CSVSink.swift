/// Receives the records of one worker's byte range. Record lines are relative to the worker's first line
/// (0 = the line where the worker started); `ParallelCSV.Part.firstLine` turns them into file lines.
protocol CSVSink: SendableMetatype {
    mutating func consume(_ record: CSVRecord)
    /// Called when the worker has reached the end of its range (again, if it reads on through the next one).
    mutating func finish()
}

extension CSVSink {
    mutating func finish() {}
}
