import CPARCore
import CPARStore
import CPARTestSupport
import Testing

/// §14: every membership change writes one audit row in its own transaction; the trail is append-only.
@Suite("membership audit trail")
struct AuditTests {
    func actor(_ command: String, at time: Int64 = 1_800_000_000) -> AuditActor {
        AuditActor(user: "alice", command: command, time: time)
    }

    @Test func assignMoveConfirmAndRemoveEachWriteOneRow() throws {
        try withStore { store in
            let a = try store.insertPanel(makePanel("A", number: "1001"))
            let b = try store.insertPanel(makePanel("B"))
            try store.setAuditActor(actor("patient assign"))
            try store.assign(patientID: "p1", panelID: a.id, confirmationDate: date("2024-01-01"))
            try store.assign(patientID: "p1", panelID: b.id, confirmationDate: date("2024-02-01"))
            try store.setAuditActor(actor("patient confirm", at: 1_800_000_100))
            try store.confirm(patientID: "p1", date: date("2024-03-01"))
            try store.setAuditActor(actor("patient remove"))
            try store.removeMembership(patientID: "p1")
            let entries = try store.auditEntries(patientID: "p1")
            #expect(entries.map(\.command) == ["patient assign", "patient assign", "patient confirm", "patient remove"])
            #expect(entries.map(\.panelBefore) == [nil, "1001", "B", "B"])
            #expect(entries.map(\.panelAfter) == ["1001", "B", "B", nil])
            #expect(entries.map(\.confirmationBefore) == [nil, date("2024-01-01"), date("2024-02-01"), date("2024-03-01")])
            #expect(entries.map(\.confirmationAfter) == [date("2024-01-01"), date("2024-02-01"), date("2024-03-01"), nil])
            #expect(entries.allSatisfy { $0.user == "alice" && $0.patientID == "p1" })
            #expect(entries[2].time == 1_800_000_100)
        }
    }

    @Test func bulkChangesWriteOneRowPerPatientChanged() throws {
        try withStore { store in
            let a = try store.insertPanel(makePanel("A", number: "1"))
            let b = try store.insertPanel(makePanel("B", number: "2"))
            try store.setAuditActor(actor("bulk import"))
            try store.assign((1...5).map { Membership(patientID: "p\($0)", panelID: a.id, confirmationDate: date("2024-01-01")) })
            // The same batch again changes nothing, so writes nothing; one changed date writes one row.
            try store.setAuditActor(actor("bulk assign"))
            var batch = (1...5).map { Membership(patientID: "p\($0)", panelID: a.id, confirmationDate: date("2024-01-01")) }
            batch[2].confirmationDate = date("2025-01-01")
            try store.assign(batch)
            try store.setAuditActor(actor("bulk move"))
            #expect(try store.moveMembers(from: a.id, to: b.id) == 5)
            try store.setAuditActor(actor("bulk remove"))
            #expect(try store.removeMembers(panelID: b.id) == 5)
            let all = try store.auditEntries()
            #expect(all.filter { $0.command == "bulk import" }.count == 5)
            #expect(all.filter { $0.command == "bulk assign" }.map(\.patientID) == ["p3"])
            #expect(all.filter { $0.command == "bulk move" }.allSatisfy { $0.panelBefore == "1" && $0.panelAfter == "2" })
            #expect(all.filter { $0.command == "bulk move" }.count == 5)
            #expect(all.filter { $0.command == "bulk remove" }.count == 5)
            #expect(try store.auditEntries(panelID: a.id).count == 11, "filter: the panel before or after")
            #expect(try store.auditEntries(panelID: b.id).count == 10)
            #expect(try store.auditEntries(since: 1_800_000_001).isEmpty)
        }
    }

    @Test func aFailedTransactionLeavesNoAuditRow() throws {
        try withStore { store in
            let a = try store.insertPanel(makePanel("A"))
            try store.setAuditActor(actor("bulk import"))
            #expect(throws: Boom.self) {
                try store.transaction {
                    try store.assign(patientID: "p1", panelID: a.id, confirmationDate: nil)
                    try store.removeMembership(patientID: "p1")
                    throw Boom()
                }
            }
            #expect(throws: StoreError.panelNotFound(id: 999)) {
                try store.assign([Membership(patientID: "p2", panelID: a.id, confirmationDate: nil),
                                  Membership(patientID: "p3", panelID: 999, confirmationDate: nil)])
            }
            #expect(try store.memberships().isEmpty)
            #expect(try store.auditEntries().isEmpty)
        }
    }

    @Test func theTrailIsAppendOnly() throws {
        try withTempDirectory { dir in
            let path = dir + "/cpard.sqlite"
            let store = try StateStore(path: path)
            let a = try store.insertPanel(makePanel("A"))
            try store.assign(patientID: "p1", panelID: a.id, confirmationDate: nil)
            #expect(try store.auditEntries().map(\.command) == ["unknown"], "a connection without an actor still audits")
            for sql in ["UPDATE membership_audit SET user = 'x'", "DELETE FROM membership_audit"] {
                let r = try Subprocess.run("/usr/bin/sqlite3", [path, sql])
                #expect(r.status != 0 && r.stderr.contains("append-only"), "\(sql)")
            }
            #expect(try store.auditEntries().count == 1)
            // Deleting the panel keeps its label in the trail.
            try store.removeMembership(patientID: "p1")
            try store.deletePanel(id: a.id)
            #expect(try store.auditEntries().map(\.panelBefore) == [nil, "A"])
        }
    }

    @Test func aVersion3DatabaseGainsTheTrailAndKeepsItsMemberships() throws {
        try withTempDirectory { dir in
            let path = dir + "/cpard.sqlite"
            do {
                let store = try StateStore(path: path)
                let a = try store.insertPanel(makePanel("A"))
                try store.assign(patientID: "p1", panelID: a.id, confirmationDate: date("2024-01-01"))
            }
            _ = try sqliteShell(path, "DROP TABLE worklist_items; DROP TABLE cpar_report_imports; "
                                + "DROP TABLE membership_audit; PRAGMA user_version = 3")
            let store = try StateStore(path: path)
            #expect(try store.diagnostics().userVersion == StateStore.schemaVersion)
            #expect(try store.membership(patientID: "p1")?.confirmationDate == date("2024-01-01"))
            #expect(try store.auditEntries().isEmpty && store.worklistItems().isEmpty)
            try store.removeMembership(patientID: "p1")
            #expect(try store.auditEntries(patientID: "p1").map(\.panelBefore) == ["A"])
        }
    }

    @Test func anotherConnectionAuditsUnderItsOwnActor() throws {
        try withTempDirectory { dir in
            let path = dir + "/cpard.sqlite"
            let one = try StateStore(path: path), two = try StateStore(path: path)
            let a = try one.insertPanel(makePanel("A"))
            try one.setAuditActor(actor("patient assign"))
            try two.setAuditActor(AuditActor(user: "bob", command: "bulk remove"))
            try one.assign(patientID: "p1", panelID: a.id, confirmationDate: nil)
            try two.removeMembers(panelID: a.id)
            #expect(try one.auditEntries().map { "\($0.user) \($0.command)" } == ["alice patient assign", "bob bulk remove"])
        }
    }
}
