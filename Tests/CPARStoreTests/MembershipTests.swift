import CPARCore
import CPARStore
import Testing

@Suite struct MembershipTests {
    @Test func assignStoresAndLoadsAMembership() throws {
        try withStore { store in
            let p = try store.insertPanel(makePanel("A"))
            #expect(try store.membership(patientID: "p1") == nil)
            let previous = try store.assign(patientID: "p1", panelID: p.id, confirmationDate: date("2024-02-29"))
            #expect(previous == nil)
            #expect(try store.membership(patientID: "p1")
                    == Membership(patientID: "p1", panelID: p.id, confirmationDate: date("2024-02-29")))
            try store.assign(patientID: "p2", panelID: p.id, confirmationDate: nil)
            #expect(try store.membership(patientID: "p2")?.confirmationDate == nil)
        }
    }

    @Test func aPatientIsOnAtMostOnePanel() throws {
        try withStore { store in
            let a = try store.insertPanel(makePanel("A"))
            let b = try store.insertPanel(makePanel("B"))
            try store.assign(patientID: "p1", panelID: a.id, confirmationDate: date("2024-01-01"))
            let previous = try store.assign(patientID: "p1", panelID: b.id, confirmationDate: date("2024-06-01"))
            #expect(previous == Membership(patientID: "p1", panelID: a.id, confirmationDate: date("2024-01-01")))
            #expect(try store.memberships() == [Membership(patientID: "p1", panelID: b.id, confirmationDate: date("2024-06-01"))])
            #expect(try store.memberships(panelID: a.id).isEmpty)
            #expect(try store.memberCounts() == [b.id: 1])
        }
    }

    @Test func assignToAnUnknownPanelChangesNothing() throws {
        try withStore { store in
            let a = try store.insertPanel(makePanel("A"))
            try store.assign(patientID: "p1", panelID: a.id, confirmationDate: nil)
            #expect(throws: StoreError.panelNotFound(id: 999)) {
                try store.assign(patientID: "p1", panelID: 999, confirmationDate: nil)
            }
            #expect(throws: StoreError.panelNotFound(id: 999)) {
                try store.assign([Membership(patientID: "p2", panelID: a.id, confirmationDate: nil),
                                  Membership(patientID: "p3", panelID: 999, confirmationDate: nil)])
            }
            #expect(try store.memberships() == [Membership(patientID: "p1", panelID: a.id, confirmationDate: nil)])
        }
    }

    @Test func listsAreOrderedByPanelThenPatient() throws {
        try withStore { store in
            let a = try store.insertPanel(makePanel("A"))
            let b = try store.insertPanel(makePanel("B"))
            for (patient, panel) in [("z", a.id), ("m", b.id), ("b", a.id), ("a", b.id), ("k", a.id)] {
                try store.assign(patientID: patient, panelID: panel, confirmationDate: nil)
            }
            #expect(try store.memberships().map(\.patientID) == ["b", "k", "z", "a", "m"])
            #expect(try store.memberships(panelID: b.id).map(\.patientID) == ["a", "m"])
            #expect(try store.memberCounts() == [a.id: 3, b.id: 2])
        }
    }

    @Test func bulkAssignOf100kRows() throws {
        try withStore { store in
            let a = try store.insertPanel(makePanel("A"))
            let b = try store.insertPanel(makePanel("B"))
            let base = date("2020-01-01")
            let batch = (0..<100_000).map { i in
                Membership(patientID: "P\(i)", panelID: i % 3 == 0 ? a.id : b.id,
                           confirmationDate: i % 10 == 0 ? nil : base.adding(days: i % 1500))
            }
            try store.assign(batch)
            #expect(try store.memberCounts() == [a.id: 33_334, b.id: 66_666])
            let loaded = try store.memberships()
            #expect(loaded.count == 100_000)
            #expect(Set(loaded.map(\.patientID)).count == 100_000)
            #expect(try store.membership(patientID: "P12345") == batch[12345])
            #expect(try store.membership(patientID: "P99990") == batch[99990])
            // Loaded in (panel, patient) order.
            #expect(loaded.map(\.panelID) == loaded.map(\.panelID).sorted())
            #expect(loaded.prefix(33_334).map(\.patientID) == loaded.prefix(33_334).map(\.patientID).sorted())

            // A second batch moves some patients and adds others; later entries win.
            try store.assign([Membership(patientID: "P1", panelID: a.id, confirmationDate: nil),
                              Membership(patientID: "P1", panelID: b.id, confirmationDate: base),
                              Membership(patientID: "NEW", panelID: a.id, confirmationDate: nil)])
            #expect(try store.membership(patientID: "P1") == Membership(patientID: "P1", panelID: b.id, confirmationDate: base))
            #expect(try store.memberCounts() == [a.id: 33_335, b.id: 66_666])
        }
    }

    @Test func confirmSetsTheDate() throws {
        try withStore { store in
            let a = try store.insertPanel(makePanel("A"))
            try store.assign(patientID: "p1", panelID: a.id, confirmationDate: nil)
            #expect(try store.confirm(patientID: "p1", date: date("2025-05-06")))
            #expect(try store.membership(patientID: "p1")?.confirmationDate == date("2025-05-06"))
            #expect(try store.confirm(patientID: "ghost", date: date("2025-05-06")) == false)
            #expect(try store.membership(patientID: "ghost") == nil)
        }
    }

    @Test func removeTakesThePatientOff() throws {
        try withStore { store in
            let a = try store.insertPanel(makePanel("A"))
            try store.assign(patientID: "p1", panelID: a.id, confirmationDate: nil)
            try store.assign(patientID: "p2", panelID: a.id, confirmationDate: nil)
            #expect(try store.removeMembership(patientID: "p1"))
            #expect(try store.removeMembership(patientID: "p1") == false)
            #expect(try store.memberships().map(\.patientID) == ["p2"])
        }
    }

    @Test func moveAndRemoveWholePanels() throws {
        try withStore { store in
            let a = try store.insertPanel(makePanel("A"))
            let b = try store.insertPanel(makePanel("B"))
            let c = try store.insertPanel(makePanel("C"))
            try store.assign([Membership(patientID: "1", panelID: a.id, confirmationDate: date("2024-01-01")),
                              Membership(patientID: "2", panelID: a.id, confirmationDate: nil),
                              Membership(patientID: "3", panelID: b.id, confirmationDate: nil),
                              Membership(patientID: "4", panelID: c.id, confirmationDate: nil)])
            #expect(try store.moveMembers(from: a.id, to: b.id) == 2)
            #expect(try store.memberships(panelID: b.id) == [
                Membership(patientID: "1", panelID: b.id, confirmationDate: date("2024-01-01")),
                Membership(patientID: "2", panelID: b.id, confirmationDate: nil),
                Membership(patientID: "3", panelID: b.id, confirmationDate: nil),
            ])
            #expect(try store.moveMembers(from: a.id, to: b.id) == 0)
            #expect(throws: StoreError.panelNotFound(id: 999)) { try store.moveMembers(from: b.id, to: 999) }
            #expect(try store.memberCounts() == [b.id: 3, c.id: 1])
            #expect(try store.removeMembers(panelID: b.id) == 3)
            #expect(try store.memberCounts() == [c.id: 1])
            #expect(try store.removeMembers(panelID: b.id) == 0)
        }
    }

    @Test func patientIDsAreOpaqueText() throws {
        try withStore { store in
            let a = try store.insertPanel(makePanel("A"))
            let ids = ["", "0012", "12", "ünï cødé", "with'quote", "a,b\nc", String(repeating: "x", count: 300)]
            for id in ids { try store.assign(patientID: id, panelID: a.id, confirmationDate: nil) }
            #expect(Set(try store.memberships().map(\.patientID)) == Set(ids))
            for id in ids { #expect(try store.membership(patientID: id)?.patientID == id) }
        }
    }
}
