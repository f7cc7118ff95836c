import CPARCore

/// Input issues kept up to a bound (pathological files must not grow memory), with the total count.
struct IssueLog {
    let limit: Int
    private(set) var issues: [InputIssue] = []
    /// For each kept issue, the index of the patient record it belongs to, or -1.
    private(set) var owners: [Int] = []
    private(set) var total = 0

    init(limit: Int) { self.limit = limit }

    /// Records an issue; builds it only when it is kept.
    mutating func add(_ issue: @autoclosure () -> InputIssue, owner: Int = -1) {
        total += 1
        guard issues.count < limit else { return }
        issues.append(issue())
        owners.append(owner)
    }

    /// Appends a worker's issues, turning its relative lines and owners into file lines and global indexes.
    mutating func append(_ other: IssueLog, lineOffset: Int, ownerOffset: Int) {
        total += other.total
        for (issue, owner) in zip(other.issues, other.owners) where issues.count < limit {
            var issue = issue
            issue.line += lineOffset
            issues.append(issue)
            owners.append(owner < 0 ? -1 : owner + ownerOffset)
        }
    }
}
