import CPARCore
import CPARService
import CPARStore
import CPARTransport
import Foundation
import Testing

/// The engine against a scripted registry: what it does with answers a real simulator cannot easily give.
@Suite struct SubmissionEngineTests {
    /// Answers from a script, recording every call.
    final class ScriptedRegistry: RegistryTransport, @unchecked Sendable {
        private let lock = NSLock()
        private var answers: [RegistryResult]
        private(set) var calls: [String] = []
        init(_ answers: [RegistryResult]) { self.answers = answers }
        func next(_ call: String) -> RegistryResult {
            lock.withLock {
                calls.append(call)
                return answers.isEmpty ? .permanent(reason: "script ran out") : answers.removeFirst()
            }
        }
        func submit(payloadPath: String, idempotencyKey: String) -> RegistryResult { next("POST \(idempotencyKey)") }
        func poll(trackingID: String) -> RegistryResult { next("GET \(trackingID)") }
    }

    /// A state dir with site, one panel of two valid patients, and an EMR export.
    func fixture(_ registry: some RegistryTransport) throws -> (Runtime, Panel, String) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cpard-engine-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir + "/emr", withIntermediateDirectories: true)
        try "provider_id,family_name,given_name,practitioner_id\nDR1,Osler,William,123456\n"
            .write(toFile: dir + "/emr/providers.csv", atomically: true, encoding: .utf8)
        try """
            patient_id,phn,family_name,given_name,dob,gender,status,mrp_provider_id
            P1,123456782,A,B,1970-01-02,F,active,DR1
            P2,223456783,C,D,1980-03-04,M,active,DR1

            """.write(toFile: dir + "/emr/patients.csv", atomically: true, encoding: .utf8)
        try "appointment_id,patient_id,provider_id,date,status\nA1,P1,DR1,2024-01-10,done\nA2,P2,DR1,2024-02-10,done\n"
            .write(toFile: dir + "/emr/appointments.csv", atomically: true, encoding: .utf8)
        var config = try ConfigParser.parse("emr.data_dir = emr\nstate.dir = state\nspool.dir = spool\nblackout.enabled = false\n",
                                            file: dir + "/cpard.conf")
        config.minBackoff = 60
        let runtime = try Runtime(config: config, log: Logger(level: .error, journal: true, sink: { _ in }),
                                  transport: registry)
        try runtime.store.setSite(Site(name: "Clinic", siteID: "S1"))
        let panel = try runtime.store.insertPanel(Panel(name: "Osler", number: "1001", facilityIDs: ["1"],
                                                        practitionerIDs: ["DR1"], notify: "ops@clinic.example"))
        for p in ["P1", "P2"] {
            try runtime.store.assign(patientID: p, panelID: panel.id, confirmationDate: CivilDate(year: 2025, month: 1, day: 1))
        }
        return (runtime, panel, dir)
    }

    @Test func anAcknowledgementForAnotherSubmissionFailsItInsteadOfStallingThePass() throws {
        let registry = ScriptedRegistry([.receipt(trackingID: "T1"),
                                         .acknowledged(Acknowledgement(status: .accepted, trackingID: "OTHER"))])
        let (runtime, panel, dir) = try fixture(registry)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        _ = try runtime.engine.request(panel: panel, trigger: .manual)
        try runtime.pass()
        let s = try #require(try runtime.store.latestSubmission(panelID: panel.id))
        #expect(s.status == .failed)
        #expect(s.error?.hasPrefix("unusable registry answer") == true)
        #expect(try runtime.store.notices(recipient: "ops@clinic.example").count == 1)
        #expect(registry.calls.count == 2)
    }

    /// With no `registry.url` nothing can be posted: the submission fails with a notice, but no attempt is counted
    /// (history then shows no patients sent).
    @Test func withoutARegistryNothingIsPostedAndNoAttemptCounted() throws {
        let (runtime, panel, dir) = try fixture(UnconfiguredRegistry())
        defer { try? FileManager.default.removeItem(atPath: dir) }
        _ = try runtime.engine.request(panel: panel, trigger: .manual)
        try runtime.pass()
        let s = try #require(try runtime.store.latestSubmission(panelID: panel.id))
        #expect(s.status == .failed && s.error == "registry.url is not configured")
        #expect(s.attempts == 0 && s.firstAttempt == nil, "\(s)")
        #expect(SubmissionView.patientsSent(s) == nil)
        #expect(try runtime.store.notices(recipient: "ops@clinic.example").count == 1)
    }

    @Test func unreadableEMRDataRetriesWithTheErrorShownInsteadOfSpinning() throws {
        let registry = ScriptedRegistry([])
        let (runtime, panel, dir) = try fixture(registry)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "patient_id,phn\nP1,1\n".write(toFile: dir + "/emr/patients.csv", atomically: true, encoding: .utf8)
        _ = try runtime.engine.request(panel: panel, trigger: .manual)
        try runtime.pass()
        let s = try #require(try runtime.store.latestSubmission(panelID: panel.id))
        #expect(s.status == .queued)
        #expect(s.error?.contains("patients.csv") == true)
        #expect((s.nextAttempt ?? 0) >= Int64(Date().timeIntervalSince1970) + 30, "backed off, not due at once")
        #expect(registry.calls.isEmpty, "nothing is sent")
    }

    @Test func aPayloadDirectoryThatCannotBeMadeLeavesItQueuedUntilItCan() throws {
        let registry = ScriptedRegistry([.acknowledged(Acknowledgement(status: .accepted, trackingID: "T1"))])
        let (runtime, panel, dir) = try fixture(registry)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // A file where the payload directory should be: mkdir fails (ENOTDIR/EEXIST), as on a broken disk.
        try FileManager.default.createDirectory(atPath: dir + "/state", withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: dir + "/state/payloads", contents: Data())
        _ = try runtime.engine.request(panel: panel, trigger: .manual)
        try runtime.pass()
        var s = try #require(try runtime.store.latestSubmission(panelID: panel.id))
        #expect(s.status == .queued, "never Failed for an I/O error while preparing")
        #expect(s.attempts == 0 && s.nextAttempt != nil && s.error?.contains("payloads") == true)
        #expect(registry.calls.isEmpty)
        try FileManager.default.removeItem(atPath: dir + "/state/payloads")
        s.nextAttempt = 0
        try runtime.store.updateSubmission(s)   // as if the backoff had passed
        try runtime.pass()
        #expect(try runtime.store.latestSubmission(panelID: panel.id)?.status == .submitted)
    }

    @Test func aSynchronousAcknowledgementNamingAnotherSubmissionsTrackingIDFailsAtOnce() throws {
        let registry = ScriptedRegistry([.acknowledged(Acknowledgement(status: .accepted, trackingID: "T1")),
                                         .acknowledged(Acknowledgement(status: .accepted, trackingID: "T1"))])
        let (runtime, panel, dir) = try fixture(registry)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        _ = try runtime.engine.request(panel: panel, trigger: .manual)
        try runtime.pass()
        let first = try #require(try runtime.store.latestSubmission(panelID: panel.id))
        #expect(first.status == .submitted)
        _ = try runtime.engine.request(panel: panel, trigger: .manual)
        try runtime.pass()
        let second = try #require(try runtime.store.latestSubmission(panelID: panel.id))
        #expect(second.id != first.id)
        #expect(second.status == .failed)
        #expect(second.error == "unusable registry answer: tracking ID 'T1' belongs to submission \(first.id)")
        #expect(second.trackingID == nil)
        #expect(try runtime.store.submission(id: first.id)?.status == .submitted)
    }

    @Test func requestsForPanelsThatAreNotCPAREnabledAreRefused() throws {
        let (runtime, _, dir) = try fixture(ScriptedRegistry([]))
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let walkIn = try runtime.store.insertPanel(Panel(name: "Walk-in", cparEnabled: false))
        #expect(throws: SubmissionEngine.RequestRefused.self) {
            _ = try runtime.engine.request(panel: walkIn, trigger: .manual)
        }
    }

    @Test func sigusr1RequeuesNowEvenWithAnOvernightSendTime() throws {
        let registry = ScriptedRegistry([.permanent(reason: "HTTP 400")])
        let (runtime, panel, dir) = try fixture(registry)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        _ = try runtime.engine.request(panel: panel, trigger: .manual)
        try runtime.pass()
        #expect(try runtime.store.latestSubmission(panelID: panel.id)?.status == .failed)
        var config = runtime.config
        config.manualSendTime = (Calendar.current.component(.hour, from: Date()) + 12) % 24 * 60
        let later = try Runtime(config: config, log: runtime.log, store: runtime.store, transport: registry,
                                lock: runtime.instanceLock)
        #expect(try later.engine.requeueFailed() == 1)
        let s = try #require(try runtime.store.latestSubmission(panelID: panel.id))
        #expect(s.status == .queued)
        #expect((s.nextAttempt ?? .max) <= Int64(Date().timeIntervalSince1970), "due now, not at manual.send_time")
    }

    @Test func recoveryRemovesHalfWrittenPayloadsAndKeepsTheQueue() throws {
        let (runtime, panel, dir) = try fixture(ScriptedRegistry([]))
        defer { try? FileManager.default.removeItem(atPath: dir) }
        _ = try runtime.engine.request(panel: panel, trigger: .manual)
        let payloads = dir + "/state/payloads"
        try FileManager.default.createDirectory(atPath: payloads, withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: payloads + "/x.xml.tmp", contents: Data("<half".utf8))
        FileManager.default.createFile(atPath: payloads + "/kept.xml", contents: Data("<whole/>".utf8))
        let recovered = try runtime.recover()
        #expect(recovered.queued == 1 && recovered.pending == 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: payloads) == ["kept.xml"])
    }
}
