/// Facility IDs: 1–20 ASCII digits; shorter than 6 is zero-padded to 6. SPEC §3.
public enum FacilityID {
    public static func isValid(_ id: String) -> Bool {
        let utf8 = id.utf8
        return (1...20).contains(utf8.count) && utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
    }

    /// Zero-pads to 6 characters when shorter; otherwise returns `id` unchanged.
    public static func normalized(_ id: String) -> String {
        let n = id.utf8.count
        return n >= 6 ? id : String(repeating: "0", count: 6 - n) + id
    }
}
