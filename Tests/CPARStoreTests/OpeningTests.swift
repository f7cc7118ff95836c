import CPARCore
import CPARStore
import CPARTestSupport
import Foundation
import Testing

@Suite struct OpeningTests {
    @Test func migratesAnEmptyFileAndReopensIdempotently() throws {
        try withTempDirectory { dir in
            let path = dir + "/cpard.sqlite"
            #expect(FileManager.default.createFile(atPath: path, contents: Data()))
            do {
                let store = try StateStore(path: path)
                #expect(try store.diagnostics().userVersion == StateStore.schemaVersion)
                try store.setSite(Site(name: "Clinic", siteID: "S1"))
            }
            #expect(StateStore.schemaVersion >= 1)
            let tables = try sqliteShell(path, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            for table in ["memberships", "notices", "panel_facilities", "panel_practitioners", "panels", "site",
                          "submissions"] {
                #expect(tables.split(separator: "\n").contains(Substring(table)), "missing table \(table)")
            }
            let again = try StateStore(path: path)
            #expect(try again.diagnostics().userVersion == StateStore.schemaVersion)
            #expect(try again.site() == Site(name: "Clinic", siteID: "S1"))
            #expect(try sqliteShell(path, "PRAGMA user_version") == String(StateStore.schemaVersion))
        }
    }

    @Test func createsTheFileWhenAbsent() throws {
        try withTempDirectory { dir in
            let path = dir + "/new.sqlite"
            _ = try StateStore(path: path)
            #expect(FileManager.default.fileExists(atPath: path))
        }
    }

    @Test func connectionSettings() throws {
        try withTempDirectory { dir in
            let path = dir + "/cpard.sqlite"
            let store = try StateStore(path: path)
            let d = try store.diagnostics()
            #expect(d.journalMode == "wal")
            #expect(d.synchronous == 2)  // FULL
            #expect(d.foreignKeys)
            #expect(d.busyTimeoutMilliseconds == 5000)
            #expect(d.journalSizeLimitBytes == 64 << 20)
            // WAL is a property of the file: another process sees it too.
            #expect(try sqliteShell(path, "PRAGMA journal_mode") == "wal")
        }
    }

    @Test func databaseAndWALFilesArePrivate() throws {
        try withTempDirectory { dir in
            let path = dir + "/cpard.sqlite"
            // No umask games here (tests run in parallel): the usual 022 would give 0644 if the store did nothing.
            let store = try StateStore(path: path)
            try store.insertPanel(makePanel("A"))  // forces -wal and -shm into being
            #expect(try posixMode(path) == 0o600)
            #expect(try posixMode(path + "-wal") == 0o600)
            #expect(try posixMode(path + "-shm") == 0o600)
        }
    }

    @Test func anExistingFileKeepsItsMode() throws {
        try withTempDirectory { dir in
            let path = dir + "/cpard.sqlite"
            #expect(FileManager.default.createFile(atPath: path, contents: Data(), attributes: [.posixPermissions: 0o640]))
            _ = try StateStore(path: path)
            #expect(try posixMode(path) == 0o640)
        }
    }

    @Test func aMissingDirectoryIsAClearError() throws {
        try withTempDirectory { dir in
            let path = dir + "/no/such/dir/cpard.sqlite"
            #expect {
                _ = try StateStore(path: path)
            } throws: { error in
                guard let e = error as? StoreError, case .open(let p, _) = e else { return false }
                return p == path && e.description.contains(path)
            }
        }
    }

    @Test func aNewerSchemaIsRefused() throws {
        try withTempDirectory { dir in
            let path = dir + "/cpard.sqlite"
            _ = try StateStore(path: path)
            _ = try sqliteShell(path, "PRAGMA user_version = 999")
            #expect(throws: StoreError.schemaTooNew(path: path, found: 999, supported: StateStore.schemaVersion)) {
                _ = try StateStore(path: path)
            }
        }
    }

    @Test func notADatabaseIsAnError() throws {
        try withTempDirectory { dir in
            let path = dir + "/cpard.sqlite"
            #expect(FileManager.default.createFile(atPath: path, contents: Data(repeating: 0x41, count: 4096)))
            #expect(throws: StoreError.self) { _ = try StateStore(path: path) }
        }
    }

    @Test func unreadableStoredValuesAreReportedWithoutTheValue() throws {
        try withTempDirectory { dir in
            let path = dir + "/cpard.sqlite"
            let store = try StateStore(path: path)
            let panel = try store.insertPanel(makePanel("A"))
            try store.assign(patientID: "p1", panelID: panel.id, confirmationDate: nil)
            _ = try sqliteShell(path, "UPDATE memberships SET confirmation_date = '1999-99-99'")
            #expect {
                _ = try store.memberships()
            } throws: { error in
                guard let e = error as? StoreError else { return false }
                return e == .invalidValue(table: "memberships", column: "confirmation_date")
                    && !e.description.contains("1999")
            }
        }
    }
}
