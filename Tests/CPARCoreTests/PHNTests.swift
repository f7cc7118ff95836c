import Testing
@testable import CPARCore

@Suite struct PHNTests {
    // Body 1234 5678, weights 1,2,1,2,1,2,1,2:
    //   1·1=1, 2·2=4, 3·1=3, 4·2=8, 5·1=5, 6·2=12→1+2=3, 7·1=7, 8·2=16→1+6=7; sum = 38
    //   check = (10 − 38 mod 10) mod 10 = 2 → PHN 1234 2 5678
    // Body 9876 5432: 9, 8·2=16→7, 7, 6·2=12→3, 5, 4·2=8, 3, 2·2=4; sum = 46 → check 4 → 9876 4 5432
    // Body 1900 0000: 1, 9·2=18→9, 0…; sum = 10 → check (10 − 0) mod 10 = 0 → 1900 0 0000
    // Body 1000 0001: 1, 0, 0, 0, 0, 0, 0, 1·2=2; sum = 3 → check 7 → 1000 7 0001
    @Test(arguments: ["123425678", "987645432", "190000000", "100070001", "000000000"])
    func validCheckDigits(phn: String) {
        #expect(PHN.checkDigitIsValid(phn))
    }

    @Test(arguments: ["123415678", "123435678", "987655432", "190010000", "100060001", "123456789"])
    func invalidCheckDigits(phn: String) {
        #expect(!PHN.checkDigitIsValid(phn))
    }

    @Test func checkDigitRejectsMalformedInput() {
        #expect(!PHN.checkDigitIsValid("12342567"))
        #expect(!PHN.checkDigitIsValid("1234256789"))
        #expect(!PHN.checkDigitIsValid("12342567a"))
    }

    @Test func withCheckDigitInsertsFifthDigit() {
        #expect(PHN.withCheckDigit(body8: "12345678") == "123425678")
        #expect(PHN.withCheckDigit(body8: "98765432") == "987645432")
        #expect(PHN.withCheckDigit(body8: "19000000") == "190000000")
        var rng = SeededRandom(seed: 7)
        for _ in 0..<500 {
            let body = String((0..<8).map { _ in Character(String(Int.random(in: 0...9, using: &rng))) })
            let phn = PHN.withCheckDigit(body8: body)
            #expect(phn.count == 9)
            #expect(PHN.checkDigitIsValid(phn))
            #expect(String(phn.prefix(4)) + String(phn.suffix(4)) == body)
        }
    }

    @Test func normalizeRemovesSpacesAndDashes() {
        #expect(PHN.normalize("1234-25678") == "123425678")
        #expect(PHN.normalize(" 12342 5678 ") == "123425678")
        #expect(PHN.normalize("12-34-2-5678") == "123425678")
        #expect(PHN.normalize("123425678") == "123425678")
        #expect(PHN.normalize("") == "")
    }

    @Test func classify() {
        #expect(PHN.classify("") == .missing)
        #expect(PHN.classify("   ") == .missing)
        #expect(PHN.classify("\t") == .missing)
        #expect(PHN.classify(" - ") == .invalid)
        #expect(PHN.classify("12345678") == .invalid)
        #expect(PHN.classify("1234567890") == .invalid)
        #expect(PHN.classify("12345678a") == .invalid)
        #expect(PHN.classify("1234.25678") == .invalid)
        #expect(PHN.classify("１２３４２５６７８") == .invalid)  // full-width digits are not ASCII
        #expect(PHN.classify("1234-25678") == .valid(normalized: "123425678", checkDigitOK: true))
        #expect(PHN.classify(" 12342 5678") == .valid(normalized: "123425678", checkDigitOK: true))
        #expect(PHN.classify("123415678") == .valid(normalized: "123415678", checkDigitOK: false))
    }

    @Test func numericValue() {
        #expect(PHN.numericValue("000000001") == 1)
        #expect(PHN.numericValue("999999999") == 999_999_999)
        #expect(PHN.numericValue("99999999") == nil)
        #expect(PHN.numericValue("9999999999") == nil)
        #expect(PHN.numericValue("12345678x") == nil)
    }
}

@Suite struct FacilityIDTests {
    @Test func validity() {
        #expect(FacilityID.isValid("1"))
        #expect(FacilityID.isValid("12345678901234567890"))
        #expect(!FacilityID.isValid(""))
        #expect(!FacilityID.isValid("123456789012345678901"))
        #expect(!FacilityID.isValid("12a"))
        #expect(!FacilityID.isValid(" 123"))
        #expect(!FacilityID.isValid("-1"))
    }

    @Test func normalization() {
        #expect(FacilityID.normalized("1") == "000001")
        #expect(FacilityID.normalized("12345") == "012345")
        #expect(FacilityID.normalized("123456") == "123456")
        #expect(FacilityID.normalized("1234567") == "1234567")
    }
}
