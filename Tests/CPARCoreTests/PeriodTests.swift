import Testing
@testable import CPARCore

@Suite struct PeriodTests {
    @Test func addingMonths() {
        let p = Period("2026-11")!
        #expect(p.adding(months: 1) == Period("2026-12"))
        #expect(p.adding(months: 2) == Period("2027-01"))
        #expect(p.adding(months: -11) == Period("2025-12"))
        #expect(p.adding(months: -23) == Period("2024-12"))
        #expect(p.adding(months: 0) == p)
        #expect(p.adding(months: 14) == Period("2028-01"))
    }

    @Test func clampedDays() {
        #expect(Period("2026-02")!.date(clampingDay: 31) == CivilDate(iso: "2026-02-28"))
        #expect(Period("2028-02")!.date(clampingDay: 31) == CivilDate(iso: "2028-02-29"))
        #expect(Period("2026-04")!.date(clampingDay: 31) == CivilDate(iso: "2026-04-30"))
        #expect(Period("2026-04")!.date(clampingDay: 7) == CivilDate(iso: "2026-04-07"))
        #expect(Period("2026-04")!.numberOfDays == 30)
    }
}
