import CPARCore
import Testing

/// `DuplicatePHN.find(_:at:)`: the extract's form, over member indexes into the EMR's patients.
@Suite struct DuplicatePHNIndexTests {
    func p(_ id: String, _ phn: String) -> PatientRecord {
        PatientRecord(patientID: id, phn: phn, familyName: "F", givenName: "G", dob: nil, gender: nil,
                      isActive: true, mrpProviderID: "")
    }

    @Test func onlyMembersAreCompared() {
        let patients = [p("1", "123425678"), p("2", "1234-25678"), p("3", "987645432"), p("4", "987645432"),
                        p("5", "000 000 000"), p("6", "000000000"), p("7", "")]
        #expect(DuplicatePHN.find(patients, at: [0, 1, 2, 4, 5, 6]) == ["123425678", "000000000"])
        // Patient 3 is on no panel: 987645432 is held by one member only.
        #expect(DuplicatePHN.find(patients, at: [2, 0]).isEmpty)
        #expect(DuplicatePHN.find(patients, at: [2, 3]) == ["987645432"])
    }

    @Test func unknownMembersAndRepeatedIndexesAreNotDuplicates() {
        let patients = [p("1", "123425678"), p("2", "12345")]
        #expect(DuplicatePHN.find(patients, at: [-1, 0, -1, 0, 1, 1]).isEmpty)
        #expect(DuplicatePHN.find([PatientRecord](), at: [-1]).isEmpty)
    }

    @Test func agreesWithTheRecordFormOnALargeInputWhateverTheThreads() {
        var random = SeededRandom(seed: 5)
        let n = 150_000
        let patients = (0..<n).map { i in
            p("P\(i)", i % 1000 == 0 ? "" : PHN.withCheckDigit(body8: String(10_000_000 + Int(random.next() % 100_000))))
        }
        let members = (0..<n).compactMap { i -> Int32? in i % 3 == 0 ? nil : Int32(i) } + [-1]
        let expected = DuplicatePHN.find(members.filter { $0 >= 0 }.map { patients[Int($0)] })
        #expect(expected.count > 100)
        let shuffled = members.shuffled(using: &random)
        for threads in [1, 2, 3] {
            #expect(DuplicatePHN.find(patients, at: shuffled, threads: threads) == expected)
        }
    }
}
