/// A test fixture could not be set up (a helper did not start, a tool failed, …).
public struct TestSetupError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
