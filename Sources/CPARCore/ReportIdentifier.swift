/// Identifiers a conflict report gives for the other panel and provider: registry panel numbers and provider
/// identifiers, not patient data, but still text from outside. Kept only when short and plain (letters, digits,
/// spaces and `.,'_-`, at most 64 characters) and not equal to one of the row's patient values (a mis-mapped
/// column must not smuggle a PHN or name into the store).
public enum ReportIdentifier {
    public static let maxLength = 64

    public static func scrub(_ text: String, rowValues: [String]) -> String? {
        let trimmed = String(text.trimmingSpaces)
        guard !trimmed.isEmpty, trimmed.count <= maxLength,
              trimmed.unicodeScalars.allSatisfy({ $0.properties.isAlphabetic || ("0"..."9").contains($0)
                  || " .,'_-".unicodeScalars.contains($0) }) else { return nil }
        let key = DemographicMismatch.nameKey(trimmed)
        for value in rowValues where !value.isEmpty {
            if DemographicMismatch.nameKey(value) == key { return nil }
        }
        // A date may be a birth date.
        guard CivilDate(reportText: trimmed) == nil else { return nil }
        return trimmed
    }
}
