import CPARCore
import CPARStore
import Testing

/// SPEC §4 `bulk assign` at the store: already on the panel keeps its date, another panel keeps its patient unless
/// `move`, a dry run writes nothing.
@Suite struct BulkAssignTests {
    @Test func theRuleAndItsOutcome() throws {
        try withStore { store in
            let a = try store.insertPanel(makePanel("A"))
            let b = try store.insertPanel(makePanel("B"))
            try store.assign(patientID: "on-a", panelID: a.id, confirmationDate: date("2020-01-01"))
            try store.assign(patientID: "on-b", panelID: b.id, confirmationDate: date("2024-07-26"))
            let candidates: [(patientID: String, confirmationDate: CivilDate?)] =
                [("on-a", date("2025-01-01")), ("on-b", date("2025-02-02")), ("new", nil), ("new", date("2025-03-03"))]
            let kept = try store.bulkAssign(candidates, panelID: a.id, move: false, dryRun: false)
            #expect(kept.alreadyOnPanel == 1 && kept.leftOnOtherPanels == [b.id: 1] && kept.joined == 1 && kept.moved.isEmpty)
            #expect(try store.membership(patientID: "on-a")?.confirmationDate == date("2020-01-01"))
            #expect(try store.membership(patientID: "on-b") == Membership(patientID: "on-b", panelID: b.id,
                                                                            confirmationDate: date("2024-07-26")))
            #expect(try store.membership(patientID: "new") == Membership(patientID: "new", panelID: a.id, confirmationDate: nil),
                    "a repeated candidate counts once, its first entry")

            let dry = try store.bulkAssign(candidates, panelID: a.id, move: true, dryRun: true)
            #expect(dry.moved == [b.id: 1] && dry.alreadyOnPanel == 2 && dry.leftOnOtherPanels.isEmpty)
            #expect(try store.membership(patientID: "on-b")?.panelID == b.id, "a dry run writes nothing")

            let moved = try store.bulkAssign(candidates, panelID: a.id, move: true, dryRun: false)
            #expect(moved.changes == [MembershipChange(patientID: "on-b", panelBefore: b.id, panelAfter: a.id,
                                                       confirmationBefore: date("2024-07-26"),
                                                       confirmationAfter: date("2025-02-02"))])
            #expect(try store.memberCounts() == [a.id: 3])
            #expect(throws: StoreError.self) { try store.bulkAssign(candidates, panelID: 999, move: false, dryRun: true) }
            #expect(try store.moveMembers(from: a.id, to: b.id, dryRun: true) == 3)
            #expect(try store.removeMembers(panelID: a.id, dryRun: true) == 3)
            #expect(try store.memberCounts() == [a.id: 3])
        }
    }
}
