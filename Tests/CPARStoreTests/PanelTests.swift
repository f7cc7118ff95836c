import CPARCore
import CPARStore
import Testing

@Suite struct PanelTests {
    @Test func siteIsSetOnceAndReplaced() throws {
        try withStore { store in
            #expect(try store.site() == nil)
            try store.setSite(Site(name: "Clinic", siteID: "S1"))
            #expect(try store.site() == Site(name: "Clinic", siteID: "S1"))
            try store.setSite(Site(name: "Clinic 2", siteID: "S2"))
            #expect(try store.site() == Site(name: "Clinic 2", siteID: "S2"))
        }
    }

    @Test func insertAndLoadKeepsEveryFieldAndOrder() throws {
        try withStore { store in
            let input = Panel(name: "Dr Smith", number: "1234567890", cparEnabled: true,
                              facilityIDs: ["900", "12", "345", "12"], practitionerIDs: ["Z9", "A1", "M5"],
                              notify: "ops@clinic.example")
            let saved = try store.insertPanel(input)
            #expect(saved.id > 0)
            var expected = input
            expected.id = saved.id
            #expect(saved == expected)
            #expect(try store.panel(id: saved.id) == expected)
            #expect(try store.panels() == [expected])
            #expect(try store.panel(id: saved.id + 100) == nil)
        }
    }

    @Test func panelsAreOrderedByIDWithTheirOwnChildren() throws {
        try withStore { store in
            let a = try store.insertPanel(makePanel("A", number: "1", facilities: ["3", "1"], practitioners: ["x"]))
            let b = try store.insertPanel(Panel(name: "B", cparEnabled: false))
            let c = try store.insertPanel(makePanel("C", number: "3", facilities: ["7"], practitioners: ["z", "y"]))
            let all = try store.panels()
            #expect(all.map(\.id) == [a.id, b.id, c.id])
            #expect(all == [a, b, c])
            #expect(all[1].facilityIDs.isEmpty && all[1].practitionerIDs.isEmpty && all[1].number == nil)
            #expect(!all[1].cparEnabled)
        }
    }

    @Test func updateReplacesFieldsAndChildren() throws {
        try withStore { store in
            var p = try store.insertPanel(makePanel("A", number: "11", facilities: ["1", "2", "3"], practitioners: ["a"]))
            let other = try store.insertPanel(makePanel("B", number: "22", facilities: ["9"], practitioners: ["b"]))
            p.name = "A renamed"
            p.number = nil
            p.cparEnabled = false
            p.facilityIDs = ["5"]
            p.practitionerIDs = ["c", "b", "a"]
            p.notify = "x@y.example"
            try store.updatePanel(p)
            #expect(try store.panel(id: p.id) == p)
            #expect(try store.panel(id: other.id) == other)
            var ghost = p
            ghost.id = 999
            #expect(throws: StoreError.panelNotFound(id: 999)) { try store.updatePanel(ghost) }
        }
    }

    @Test func panelNumbersAreUnique() throws {
        try withStore { store in
            _ = try store.insertPanel(makePanel("A", number: "42"))
            #expect(throws: StoreError.duplicatePanelNumber("42")) { try store.insertPanel(makePanel("B", number: "42")) }
            #expect(try store.panels().count == 1)
            var b = try store.insertPanel(makePanel("B", number: "43"))
            b.number = "42"
            #expect(throws: StoreError.duplicatePanelNumber("42")) { try store.updatePanel(b) }
            #expect(try store.panel(id: b.id)?.number == "43")
            // Panels without a number do not collide.
            _ = try store.insertPanel(makePanel("C"))
            _ = try store.insertPanel(makePanel("D"))
            #expect(try store.panels().count == 4)
        }
    }

    @Test func findPanelByNumberThenByName() throws {
        try withStore { store in
            let numbered = try store.insertPanel(makePanel("North", number: "100"))
            let named = try store.insertPanel(makePanel("South"))
            // A panel *named* like another's number: the number wins.
            let tricky = try store.insertPanel(makePanel("100"))
            #expect(try store.findPanel("100")?.id == numbered.id)
            #expect(try store.findPanel("South") == named)
            #expect(try store.findPanel("North")?.id == numbered.id)
            #expect(try store.findPanel("south") == nil)  // names match exactly
            #expect(try store.findPanel("nope") == nil)
            #expect(tricky.id != numbered.id)
        }
    }

    @Test func findPanelRefusesAnAmbiguousName() throws {
        try withStore { store in
            _ = try store.insertPanel(makePanel("Twin"))
            _ = try store.insertPanel(makePanel("Twin"))
            #expect(throws: StoreError.ambiguousPanelName(name: "Twin", count: 2)) { try store.findPanel("Twin") }
        }
    }

    @Test func deleteIsRefusedWhilePatientsAreOnThePanel() throws {
        try withStore { store in
            let p = try store.insertPanel(makePanel("A", number: "77", facilities: ["1", "2"], practitioners: ["x"]))
            try store.assign(patientID: "p1", panelID: p.id, confirmationDate: nil)
            try store.assign(patientID: "p2", panelID: p.id, confirmationDate: date("2024-01-02"))
            #expect(throws: StoreError.panelHasPatients(label: "77", count: 2)) { try store.deletePanel(id: p.id) }
            #expect(try store.panel(id: p.id) == p)
            #expect(try store.removeMembers(panelID: p.id) == 2)
            try store.deletePanel(id: p.id)
            #expect(try store.panel(id: p.id) == nil)
            #expect(try store.panels().isEmpty)
            #expect(throws: StoreError.panelNotFound(id: p.id)) { try store.deletePanel(id: p.id) }
        }
    }

    @Test func hasPatientsMessageNamesThePanelByNameWhenItHasNoNumber() throws {
        try withStore { store in
            let p = try store.insertPanel(makePanel("Walk-in"))
            try store.assign(patientID: "p1", panelID: p.id, confirmationDate: nil)
            #expect {
                try store.deletePanel(id: p.id)
            } throws: { error in
                (error as? StoreError)?.description == "panel Walk-in has 1 patient on it; move or remove them first"
            }
        }
    }

    @Test func deletedPanelIDsAreNeverReusedAndHistoryIsKept() throws {
        try withStore { store in
            _ = try store.insertPanel(makePanel("A"))
            let b = try store.insertPanel(makePanel("B", number: "2"))
            try store.insertSubmission(makeSubmission("s1", panel: b, status: .submitted))
            try store.deletePanel(id: b.id)
            let c = try store.insertPanel(makePanel("C", number: "2"))
            #expect(c.id > b.id)
            #expect(try store.submissions(panelID: b.id).map(\.id) == ["s1"])
            #expect(try store.submission(id: "s1")?.panelLabel == "2")
            #expect(try store.latestSubmission(panelID: c.id) == nil)
        }
    }
}
