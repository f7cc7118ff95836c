import CPARCore
import CPAREMR
import CPARSampleData
import CPARService
import CPARStore
import Foundation
import Testing

/// `ExtractSource`: the EMR files and the store's memberships, joined once and validated per panel.
@Suite struct ExtractSourceTests {
    static let asOf = CivilDate(year: 2026, month: 11, day: 1)!

    /// Sample EMR data and a store holding its panels and `panel-import.csv` memberships.
    final class Fixture {
        let dir: String
        let store: StateStore
        var config = Config()
        var panels: [Panel] = []

        init(patients: Int, panels count: Int) throws {
            dir = FileManager.default.temporaryDirectory.appendingPathComponent("cpard-extract-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            _ = try SampleData.generate(outDir: dir + "/emr", patients: patients, panels: count, seed: 3,
                                        appointmentsPerPatient: 4)
            config.emrDataDir = dir + "/emr"
            store = try StateStore(path: dir + "/cpard.sqlite")
            try store.setSite(Site(name: "Clinic", siteID: "480123"))
            var ids: [String: Int64] = [:]
            for k in 0..<count {
                let number = SampleData.panelNumber(ofPanelAt: k)
                let panel = try store.insertPanel(Panel(name: "Panel \(k)", number: number, facilityIDs: ["4200"],
                                                        practitionerIDs: [SampleData.providerID(ofProviderAt: k, panels: count)]))
                ids[number] = panel.id
                panels.append(panel)
            }
            let text = try String(contentsOfFile: dir + "/emr/panel-import.csv", encoding: .utf8)
            let rows = text.split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false) }
            try store.assign(rows.map { f in
                Membership(patientID: String(f[0]), panelID: ids[String(f[1])]!,
                           confirmationDate: f.count > 2 ? CivilDate(iso: f[2]) : nil)
            })
        }

        deinit { try? FileManager.default.removeItem(atPath: dir) }
    }

    /// The extract built the plain way: a dictionary-style lookup per membership.
    static func naiveExtract(_ panel: Panel, _ f: Fixture, _ snapshot: EMRSnapshot) throws -> PanelExtract {
        let all = try f.store.memberships()
        let paneled = all.compactMap { snapshot.patient($0.patientID) }
        let members = try f.store.memberships(panelID: panel.id).map { m -> PanelMember in
            guard let i = snapshot.patientIndex[m.patientID] else { return PanelMember(membership: m, patient: nil, lastVisit: nil) }
            return PanelMember(membership: m, patient: snapshot.patients[i], lastVisit: snapshot.lastVisit(ofPatientAt: i),
                               issues: snapshot.issues(forPatientAt: i))
        }
        return PanelValidator.validate(panel: panel, site: try f.store.site(), members: members,
                                       providers: snapshot.providers, duplicatePHNs: DuplicatePHN.find(paneled),
                                       asOf: asOf, policy: ValidationPolicy())
    }

    @Test func extractsMatchThePlainJoinForEveryPanel() throws {
        let f = try Fixture(patients: 3000, panels: 5)
        let source = try ExtractSource.load(config: f.config, store: f.store, asOf: Self.asOf)
        var excluded = 0
        for panel in f.panels {
            let extract = source.extract(panel, policy: ValidationPolicy())
            #expect(extract == (try Self.naiveExtract(panel, f, source.snapshot)))
            #expect(source.memberCount(of: panel) == (try f.store.memberships(panelID: panel.id)).count)
            #expect(source.members(of: panel).map(\.membership.patientID)
                    == (try f.store.memberships(panelID: panel.id)).map(\.patientID))
            excluded += extract.excluded.count
        }
        // The sample plants every kind of invalid patient, unknown and duplicate ones included.
        let reasons = Set(f.panels.flatMap { source.extract($0, policy: ValidationPolicy()).excluded.flatMap(\.reasons) })
        #expect(reasons.isSuperset(of: [.unknownPatient, .duplicatePHN, .noLastVisit, .noConfirmationDate]))
        #expect(excluded > 0)
    }

    @Test func forEachKeepsPanelOrderWithMoreThreadsThanPanelsAndReportsErrorsPerPanel() throws {
        struct Odd: Error {}
        let f = try Fixture(patients: 600, panels: 7)
        let source = try ExtractSource.load(config: f.config, store: f.store, asOf: Self.asOf)
        for threads in [1, 3, 16] {
            let results = source.forEach(f.panels, policy: ValidationPolicy(), threads: threads) { extract -> Int64 in
                if extract.panel.id % 2 == 1 { throw Odd() }
                return extract.panel.id
            }
            #expect(results.count == f.panels.count)
            for (result, panel) in zip(results, f.panels) {
                switch result {
                case .success(let id): #expect(id == panel.id && panel.id % 2 == 0)
                case .failure(let error): #expect(error is Odd && panel.id % 2 == 1)
                }
            }
        }
        #expect(source.forEach([], policy: ValidationPolicy(), threads: 4) { $0.panel.id }.isEmpty)
    }

    @Test func forEachKeepsTheMembersInFlightWithinTheBudget() throws {
        final class Gauge: @unchecked Sendable {
            let lock = NSLock()
            var now = 0, peak = 0, panels = 0
            func enter(_ n: Int) { lock.withLock { now += n; peak = max(peak, now); panels += 1 } }
            func leave(_ n: Int) { lock.withLock { now -= n } }
        }
        let f = try Fixture(patients: 2000, panels: 8)
        let source = try ExtractSource.load(config: f.config, store: f.store, asOf: Self.asOf)
        let sizes = f.panels.map { source.memberCount(of: $0) }
        #expect(sizes.allSatisfy { $0 > 200 && $0 < 300 })
        for (budget, expectedPeak) in [(400, 300), (600, 600), (100, 300)] {
            let gauge = Gauge()
            let results = source.forEach(f.panels, policy: ValidationPolicy(), threads: 8, membersInFlight: budget) {
                extract -> Int in
                let n = extract.patients.count + extract.excluded.count
                gauge.enter(n)
                Thread.sleep(forTimeInterval: 0.02)
                gauge.leave(n)
                return n
            }
            #expect(try results.map { try $0.get() } == sizes)
            #expect(gauge.panels == f.panels.count)
            // Panels of 200–300 members: one at a time under 400 (or under 100: larger panels run alone), at most
            // two under 600.
            #expect(gauge.peak <= expectedPeak, "budget \(budget): peak \(gauge.peak)")
        }
    }
}
