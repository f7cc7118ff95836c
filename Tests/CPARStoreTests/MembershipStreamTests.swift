import CPARCore
@testable import CPARStore
import Testing

/// `StateStore.forEachMembership`: the extract's bulk read of every membership.
@Suite struct MembershipStreamTests {
    func streamed(_ store: StateStore) throws -> [Membership] {
        var rows: [Membership] = []
        try store.forEachMembership { id, panelID, confirmed in
            rows.append(Membership(patientID: String(decoding: id, as: UTF8.self), panelID: panelID,
                                   confirmationDate: confirmed))
        }
        return rows
    }

    @Test func streamsEveryMembershipInPatientIDByteOrder() throws {
        try withStore { store in
            #expect(try streamed(store).isEmpty)
            let a = try store.insertPanel(makePanel("A"))
            let b = try store.insertPanel(makePanel("B"))
            let rows = [("z", a.id, date("2024-01-31")), ("m", b.id, nil), ("b", a.id, date("2025-12-01")),
                        ("Zoë", b.id, date("2023-03-03")), ("a10", a.id, nil), ("a9", b.id, nil), ("", a.id, nil)]
            for (patient, panel, confirmed) in rows {
                try store.assign(patientID: patient, panelID: panel, confirmationDate: confirmed)
            }
            let all = try streamed(store)
            #expect(all.map(\.patientID) == ["", "Zoë", "a10", "a9", "b", "m", "z"])
            #expect(Set(all.map { "\($0.patientID) \($0.panelID) \($0.confirmationDate?.description ?? "-")" })
                    == Set(try store.memberships().map { "\($0.patientID) \($0.panelID) \($0.confirmationDate?.description ?? "-")" }))
        }
    }

    @Test func aThrowingBodyStopsTheScanAndLeavesTheStoreUsable() throws {
        try withStore { store in
            let a = try store.insertPanel(makePanel("A"))
            for id in ["p1", "p2", "p3"] { try store.assign(patientID: id, panelID: a.id, confirmationDate: nil) }
            var seen = 0
            #expect(throws: StoreError.self) {
                try store.forEachMembership { (_, _, _) throws(StoreError) in
                    seen += 1
                    if seen == 2 { throw StoreError.panelNotFound(id: 42) }
                }
            }
            #expect(seen == 2)
            try store.assign(patientID: "p4", panelID: a.id, confirmationDate: nil)
            #expect(try streamed(store).count == 4)
        }
    }

    /// The scan reads with a small page cache and gives the connection its own back, even when the body throws.
    @Test func theScanRestoresThePageCacheSize() throws {
        try withStore { store in
            func cacheSize() throws -> Int? { try store.db.queryFirst("PRAGMA cache_size", "read") { $0.int(0) } }
            #expect(try cacheSize() == StateStore.cacheKiB)
            let a = try store.insertPanel(makePanel("A"))
            try store.assign(patientID: "p1", panelID: a.id, confirmationDate: nil)
            var during: Int?
            try store.forEachMembership { (_, _, _) throws(StoreError) in during = try? cacheSize() }
            #expect(during == StateStore.scanCacheKiB)
            #expect(try cacheSize() == StateStore.cacheKiB)
            #expect(throws: StoreError.self) {
                try store.forEachMembership { (_, _, _) throws(StoreError) in throw StoreError.panelNotFound(id: 1) }
            }
            #expect(try cacheSize() == StateStore.cacheKiB)
        }
    }

    /// The bound holds whether the rows sit in the write-ahead log or the database, for short and long ids.
    @Test func theCountBoundIsAtLeastTheMemberships() throws {
        try withStore { store in
            let a = try store.insertPanel(makePanel("A"))
            #expect(store.membershipCountBound() >= 0)   // an empty store
            for i in 0..<3000 {
                try store.assign(patientID: i % 2 == 0 ? "\(i)" : "patient-\(i)-with-a-longer-id", panelID: a.id,
                                 confirmationDate: i % 3 == 0 ? nil : date("2026-01-01"))
            }
            #expect(store.membershipCountBound() >= 3000)
            try store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)", "checkpoint")
            #expect(store.membershipCountBound() >= 3000)
            #expect(try streamed(store).count == 3000)
        }
    }
}
