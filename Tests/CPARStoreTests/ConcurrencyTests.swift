import CPARCore
import CPARStore
import CPARTestSupport
import Foundation
import Synchronization
import Testing

@Suite struct ConcurrencyTests {
    @Test func twoConnectionsSeeEachOthersWrites() throws {
        try withTempDirectory { dir in
            let path = dir + "/cpard.sqlite"
            let a = try StateStore(path: path)
            let b = try StateStore(path: path)
            let p = try a.insertPanel(makePanel("A", number: "1"))
            #expect(try b.findPanel("1") == p)
            try b.assign(patientID: "p1", panelID: p.id, confirmationDate: nil)
            #expect(try a.membership(patientID: "p1")?.panelID == p.id)
            try a.insertSubmission(makeSubmission("s1", panel: p))
            #expect(try b.dueSubmissions(now: 10_000).map(\.id) == ["s1"])
        }
    }

    @Test func readersAreNotBlockedByAnOpenWriteTransaction() throws {
        try withTempDirectory { dir in
            let path = dir + "/cpard.sqlite"
            let writer = try StateStore(path: path)
            let reader = try StateStore(path: path)
            _ = try writer.insertPanel(makePanel("before"))
            try writer.transaction {
                _ = try writer.insertPanel(makePanel("uncommitted"))
                // WAL: the other connection reads the last committed state at once.
                #expect(try reader.panels().map(\.name) == ["before"])
            }
            #expect(try reader.panels().map(\.name) == ["before", "uncommitted"])
        }
    }

    @Test func concurrentWritersWaitInsteadOfFailing() throws {
        try withTempDirectory { dir in
            let path = dir + "/cpard.sqlite"
            let setup = try StateStore(path: path)
            let panel = try setup.insertPanel(makePanel("A"))
            let panelID = panel.id
            let failures = Mutex<[String]>([])
            let perWorker = 200
            DispatchQueue.concurrentPerform(iterations: 2) { worker in
                do {
                    let store = try StateStore(path: path)
                    for i in 0..<perWorker {
                        try store.transaction {
                            try store.assign(patientID: "w\(worker)-\(i)", panelID: panelID, confirmationDate: nil)
                            let s = Submission(id: "w\(worker)-\(i)", panelID: panelID, panelLabel: "A",
                                               period: Period(year: 2025, month: 1)!, trigger: .manual,
                                               created: Int64(i))
                            try store.insertSubmission(s)
                        }
                        _ = try store.memberCounts()
                    }
                } catch {
                    failures.withLock { $0.append("\(error)") }
                }
            }
            #expect(failures.withLock { $0 } == [])
            #expect(try setup.memberCounts() == [panelID: 2 * perWorker])
            #expect(try setup.submissions(panelID: panelID).count == 2 * perWorker)
        }
    }

    @Test func aWriterWaitsForAnotherConnectionsLongTransaction() throws {
        // The other writer is ready (its connection open) before the lock is taken, starts writing while it is
        // held, and must finish only after it is released: had it not waited (no busy timeout) it would fail
        // with "database is locked", or finish while the lock is still held. Waits are on conditions with
        // generous deadlines; the lock is held 0.5 s after the writer started, well within the 5 s busy timeout.
        try withTempDirectory { dir in
            let path = dir + "/cpard.sqlite"
            let holder = try StateStore(path: path)
            let panel = try holder.insertPanel(makePanel("A"))
            let panelID = panel.id
            let ready = DispatchSemaphore(value: 0)
            let locked = DispatchSemaphore(value: 0)
            let finished = DispatchSemaphore(value: 0)
            let writing = Atomic<Bool>(false)
            let released = Atomic<Bool>(false)
            let result = Mutex<String?>(nil)
            let finishedAfterRelease = Mutex<Bool?>(nil)
            let thread = Thread {
                do {
                    let other = try StateStore(path: path)
                    ready.signal()
                    locked.wait()
                    writing.store(true, ordering: .sequentiallyConsistent)
                    try other.assign(patientID: "late", panelID: panelID, confirmationDate: nil)
                    finishedAfterRelease.withLock { $0 = released.load(ordering: .sequentiallyConsistent) }
                    result.withLock { $0 = "ok" }
                } catch {
                    ready.signal()
                    result.withLock { $0 = "\(error)" }
                }
                finished.signal()
            }
            thread.start()
            #expect(ready.wait(timeout: .now() + 60) == .success)
            try holder.transaction {
                try holder.assign(patientID: "early", panelID: panelID, confirmationDate: nil)
                locked.signal()
                let deadline = Date().addingTimeInterval(60)
                while !writing.load(ordering: .sequentiallyConsistent) && Date() < deadline { usleep(1000) }
                Thread.sleep(forTimeInterval: 0.5)
                #expect(result.withLock { $0 } == nil, "the other writer cannot finish while the lock is held")
                released.store(true, ordering: .sequentiallyConsistent)
            }
            #expect(finished.wait(timeout: .now() + 60) == .success)
            #expect(result.withLock { $0 } == "ok")
            #expect(finishedAfterRelease.withLock { $0 } == true, "it waited for the lock")
            #expect(try holder.memberships().map(\.patientID) == ["early", "late"])
        }
    }

    @Test func anotherProcessCanReadWhileTheStoreIsOpen() throws {
        try withTempDirectory { dir in
            let path = dir + "/cpard.sqlite"
            let store = try StateStore(path: path)
            let p = try store.insertPanel(makePanel("A", number: "9"))
            try store.assign(patientID: "p1", panelID: p.id, confirmationDate: date("2024-03-04"))
            #expect(try sqliteShell(path, "SELECT patient_id, panel_id, confirmation_date FROM memberships")
                    == "p1|\(p.id)|2024-03-04")
            _ = try sqliteShell(path, "INSERT INTO memberships VALUES ('p2', \(p.id), NULL)")
            #expect(try store.memberCounts() == [p.id: 2])
        }
    }
}

@Suite struct ConcurrentOpeningTests {
    /// Two connections switching one fresh file to WAL at once: SQLite answers one of them SQLITE_BUSY without
    /// calling the busy handler, which the store retries. Many rounds, so that the race is met.
    @Test(arguments: 0..<25) func severalConnectionsOpenAFreshFileAtOnce(round: Int) throws {
        try withTempDirectory { dir in
            let path = dir + "/fresh-\(round).sqlite"
            let failures = Mutex<[String]>([])
            DispatchQueue.concurrentPerform(iterations: 4) { worker in
                do {
                    let store = try StateStore(path: path)
                    _ = try store.insertPanel(makePanel("P\(worker)"))
                } catch {
                    failures.withLock { $0.append("\(error)") }
                }
            }
            #expect(failures.withLock { $0 } == [])
            let store = try StateStore(path: path)
            #expect(try store.panels().map(\.name).sorted() == ["P0", "P1", "P2", "P3"])
            #expect(try store.diagnostics().userVersion == StateStore.schemaVersion)
            #expect(try store.diagnostics().journalMode == "wal")
        }
    }
}
