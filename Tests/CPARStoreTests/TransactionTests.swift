import CPARCore
import CPARStore
import Testing

@Suite struct TransactionTests {
    @Test func aThrowingTransactionRollsBackEverything() throws {
        try withStore { store in
            let keep = try store.insertPanel(makePanel("keep", number: "1"))
            #expect(throws: Boom()) {
                try store.transaction {
                    try store.setSite(Site(name: "C", siteID: "S"))
                    let p = try store.insertPanel(makePanel("new", number: "2"))
                    try store.assign(patientID: "p1", panelID: p.id, confirmationDate: nil)
                    try store.assign([Membership(patientID: "p2", panelID: keep.id, confirmationDate: nil)])
                    let s = makeSubmission("s1", panel: p, status: .failed)
                    try store.insertSubmission(s)
                    try store.insertNotice(Notice(submissionID: s.id, recipient: "r", subject: "s", body: "b", created: 1))
                    var edited = keep
                    edited.name = "edited"
                    try store.updatePanel(edited)
                    throw Boom()
                }
            }
            #expect(try store.site() == nil)
            #expect(try store.panels() == [keep])
            #expect(try store.memberships().isEmpty)
            #expect(try store.submissions(panelID: nil).isEmpty)
            #expect(try store.notices(recipient: nil).isEmpty)
            // The store is usable afterwards.
            try store.setSite(Site(name: "C", siteID: "S"))
            #expect(try store.site() != nil)
        }
    }

    @Test func aTransactionCommitsAndReturnsItsValue() throws {
        try withStore { store in
            let id = try store.transaction { () throws -> Int64 in
                let p = try store.insertPanel(makePanel("A"))
                try store.assign(patientID: "p1", panelID: p.id, confirmationDate: nil)
                return p.id
            }
            #expect(try store.memberships() == [Membership(patientID: "p1", panelID: id, confirmationDate: nil)])
        }
    }

    @Test func nestedTransactionsAreSavepoints() throws {
        try withStore { store in
            try store.transaction {
                _ = try store.insertPanel(makePanel("outer", number: "1"))
                do {
                    try store.transaction {
                        _ = try store.insertPanel(makePanel("inner", number: "2"))
                        throw Boom()
                    }
                } catch is Boom {}
                // A failing store call inside a transaction undoes only itself.
                do {
                    _ = try store.insertPanel(makePanel("dup", number: "1"))
                } catch StoreError.duplicatePanelNumber {}
                _ = try store.insertPanel(makePanel("after", number: "3"))
            }
            #expect(try store.panels().map(\.name) == ["outer", "after"])
        }
    }

    @Test func aStoreErrorEscapingATransactionRollsItBack() throws {
        try withStore { store in
            _ = try store.insertPanel(makePanel("A", number: "1"))
            #expect(throws: StoreError.duplicatePanelNumber("1")) {
                try store.transaction {
                    _ = try store.insertPanel(makePanel("B", number: "2"))
                    _ = try store.insertPanel(makePanel("C", number: "1"))
                }
            }
            #expect(try store.panels().map(\.name) == ["A"])
        }
    }

    @Test func aRolledBackBulkAssignLeavesNoRows() throws {
        try withStore { store in
            let p = try store.insertPanel(makePanel("A"))
            let batch = (0..<10_000).map { Membership(patientID: "P\($0)", panelID: p.id, confirmationDate: nil) }
            #expect(throws: Boom()) {
                try store.transaction {
                    try store.assign(batch)
                    #expect(try store.memberCounts() == [p.id: 10_000])
                    throw Boom()
                }
            }
            #expect(try store.memberCounts().isEmpty)
        }
    }
}
