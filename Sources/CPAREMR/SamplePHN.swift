/// Alberta PHN check digit (SPEC §5), used to make sample PHNs. A local copy: the Core helper is not in this tree.
/// The check digit is the 5th of 9; digits 1–4 and 6–9 form an 8-digit body, Luhn-weighted 1,2,1,2,… from the left
/// (the digits of each product summed); check = (10 − sum mod 10) mod 10.
enum SamplePHN {
    /// The 9-digit PHN for an 8-digit body (0..<100_000_000).
    static func withCheckDigit(body: Int) -> [UInt8] {
        var d = [Int](repeating: 0, count: 8)
        var v = body
        for i in stride(from: 7, through: 0, by: -1) {
            d[i] = v % 10
            v /= 10
        }
        var sum = 0
        for (i, digit) in d.enumerated() {
            let product = digit * (i % 2 == 0 ? 1 : 2)
            sum += product / 10 + product % 10
        }
        let check = (10 - sum % 10) % 10
        let all = Array(d[0..<4]) + [check] + Array(d[4..<8])
        return all.map { UInt8(48 + $0) }
    }
}
