import Foundation
import Testing
@testable import CPARCore

/// "YYYY-MM-DD HH:MM[:SS]" in UTC.
func utc(_ text: String) -> Date {
    let parts = text.split(separator: " ")
    let day = CivilDate(iso: parts[0])!
    let clock = parts[1].split(separator: ":").map { Int($0)! }
    let seconds = Int(day.daysSinceEpoch) * 86400 + clock[0] * 3600 + clock[1] * 60 + (clock.count > 2 ? clock[2] : 0)
    return Date(timeIntervalSince1970: TimeInterval(seconds))
}

func calendar(_ edit: (inout Config) -> Void = { _ in }) throws -> SendCalendar {
    var c = Config()
    edit(&c)
    return try SendCalendar(config: c)
}

// America/Edmonton: MST = UTC−7, MDT = UTC−6 (2026: from 03-08 02:00 to 11-01 02:00 local).
@Suite struct ScheduledRunTests {
    @Test func defaultRun() throws {
        let cal = try calendar()
        #expect(cal.scheduledRun(in: Period("2026-03")!) == utc("2026-03-08 04:00"))   // 7th 21:00 MST
        #expect(cal.scheduledRun(in: Period("2026-07")!) == utc("2026-07-08 03:00"))   // 7th 21:00 MDT
        #expect(cal.nextScheduledRun(after: utc("2026-03-01 00:00")) == utc("2026-03-08 04:00"))
        #expect(cal.nextScheduledRun(after: utc("2026-03-08 03:59:59")) == utc("2026-03-08 04:00"))
        // Strictly after: at the run itself, the next is a month later.
        #expect(cal.nextScheduledRun(after: utc("2026-03-08 04:00")) == utc("2026-04-08 03:00"))
        #expect(cal.nextScheduledRun(after: utc("2026-12-20 00:00")) == utc("2027-01-08 04:00"))
    }

    @Test func thirtyFirstInShortMonths() throws {
        let cal = try calendar { $0.scheduleDay = 31 }
        #expect(cal.scheduledRun(in: Period("2026-01")!) == utc("2026-02-01 04:00"))   // Jan 31 21:00 MST
        #expect(cal.scheduledRun(in: Period("2026-02")!) == utc("2026-03-01 04:00"))   // Feb 28 21:00 MST
        #expect(cal.scheduledRun(in: Period("2026-04")!) == utc("2026-05-01 03:00"))   // Apr 30 21:00 MDT
        #expect(cal.nextScheduledRun(after: utc("2026-02-10 00:00")) == utc("2026-03-01 04:00"))
    }

    @Test func february29() throws {
        let day29 = try calendar { $0.scheduleDay = 29 }
        #expect(day29.scheduledRun(in: Period("2028-02")!) == utc("2028-03-01 04:00"))  // Feb 29 2028 (leap)
        #expect(day29.scheduledRun(in: Period("2027-02")!) == utc("2027-03-01 04:00"))  // Feb 28 2027
        #expect(day29.scheduledRun(in: Period("2027-02")!) < day29.scheduledRun(in: Period("2027-03")!))
        let day30 = try calendar { $0.scheduleDay = 30; $0.scheduleTime = 9 * 60 }
        #expect(day30.scheduledRun(in: Period("2028-02")!) == utc("2028-02-29 16:00"))
        #expect(day30.scheduledRun(in: Period("2100-02")!) == utc("2100-02-28 16:00"))  // 2100 is not leap
        #expect(day30.scheduledRun(in: Period("2000-02")!) == utc("2000-02-29 16:00"))  // 2000 is
    }

    @Test func springForwardGapStillRunsOnce() throws {
        let cal = try calendar { $0.scheduleDay = 8; $0.scheduleTime = 2 * 60 + 30 }
        // 02:30 does not exist on 2026-03-08; the run moves forward by the gap to 03:30 MDT.
        #expect(cal.scheduledRun(in: Period("2026-03")!) == utc("2026-03-08 09:30"))
        var runs: [Date] = []
        var t = utc("2026-01-01 00:00")
        for _ in 0..<12 { t = cal.nextScheduledRun(after: t); runs.append(t) }
        let months: [Period] = runs.map { cal.period(of: $0) }
        let expected: [Period] = (1...12).map { Period(year: 2026, month: $0)! }
        #expect(months == expected)
        #expect(runs[2] == utc("2026-03-08 09:30"))
        #expect(runs[3] == utc("2026-04-08 08:30"))
    }

    @Test func fallBackAmbiguityMeansFirstOccurrence() throws {
        let cal = try calendar { $0.scheduleDay = 1; $0.scheduleTime = 60 + 30 }
        // 01:30 happens twice on 2026-11-01: 07:30 UTC (MDT) and 08:30 UTC (MST).
        #expect(cal.scheduledRun(in: Period("2026-11")!) == utc("2026-11-01 07:30"))
        #expect(cal.nextScheduledRun(after: utc("2026-11-01 07:30")) == utc("2026-12-01 08:30"))
        #expect(cal.nextScheduledRun(after: utc("2026-11-01 08:00")) == utc("2026-12-01 08:30"))
    }

    @Test func dstDaysAtTheDefaultTime() throws {
        let cal = try calendar { $0.scheduleDay = 8 }
        #expect(cal.scheduledRun(in: Period("2026-03")!) == utc("2026-03-09 03:00"))   // Mar 8 21:00 MDT
        let nov = try calendar { $0.scheduleDay = 1 }
        #expect(nov.scheduledRun(in: Period("2026-11")!) == utc("2026-11-02 04:00"))   // Nov 1 21:00 MST
    }

    @Test func periodAndDateAreLocal() throws {
        let cal = try calendar()
        #expect(cal.period(of: utc("2026-04-01 05:59")) == Period("2026-03"))   // Mar 31 23:59 MDT
        #expect(cal.period(of: utc("2026-04-01 06:00")) == Period("2026-04"))
        #expect(cal.civilDate(of: utc("2026-01-01 06:59:59")) == CivilDate(iso: "2025-12-31"))
        #expect(cal.civilDate(of: utc("2026-01-01 07:00")) == CivilDate(iso: "2026-01-01"))
        #expect(cal.civilDate(of: utc("1969-12-31 12:00")) == CivilDate(iso: "1969-12-31"))
        let tokyo = try calendar { $0.timezone = "Asia/Tokyo" }
        #expect(tokyo.period(of: utc("2026-03-31 15:00")) == Period("2026-04"))
    }

    @Test func otherZones() throws {
        let utcCal = try calendar { $0.timezone = "UTC" }
        #expect(utcCal.scheduledRun(in: Period("2026-03")!) == utc("2026-03-07 21:00"))
        let kolkata = try calendar { $0.timezone = "Asia/Kolkata"; $0.scheduleTime = 0 }   // UTC+5:30
        #expect(kolkata.scheduledRun(in: Period("2026-03")!) == utc("2026-03-06 18:30"))
    }

    @Test func badSettingsThrow() {
        #expect(throws: SendCalendarError.unknownTimeZone("Mars/Olympus")) { try calendar { $0.timezone = "Mars/Olympus" } }
        #expect(throws: SendCalendarError.blackoutCoversEveryDay(day: 5)) {
            try calendar { $0.blackoutFromDay = 5; $0.blackoutUntilDay = 5 }
        }
        #expect(throws: SendCalendarError.self) { try calendar { $0.scheduleDay = 0 } }
        #expect(throws: SendCalendarError.self) { try calendar { $0.scheduleTime = 1440 } }
        #expect(throws: SendCalendarError.self) { try calendar { $0.manualSendTime = -1 } }
        #expect(throws: SendCalendarError.self) { try calendar { $0.blackoutUntilDay = 32 } }
        // Equal days are fine while the blackout is off.
        #expect(throws: Never.self) { try calendar { $0.blackoutEnabled = false; $0.blackoutFromDay = 5; $0.blackoutUntilDay = 5 } }
        #expect(SendCalendarError.unknownTimeZone("X/Y").description.contains("X/Y"))
    }

    @Test func onCalendarLines() throws {
        #expect(try calendar().onCalendarExpressions == ["*-*-07 21:00:00 America/Edmonton"])
        #expect(try calendar { $0.scheduleDay = 31; $0.scheduleTime = 5 }.onCalendarExpressions == ["*-*~01 00:05:00 America/Edmonton"])
        #expect(try calendar { $0.scheduleDay = 30; $0.timezone = "UTC" }.onCalendarExpressions ==
                ["*-*-30 21:00:00 UTC", "*-02~01 21:00:00 UTC"])
        #expect(try calendar { $0.scheduleDay = 28 }.onCalendarExpressions == ["*-*-28 21:00:00 America/Edmonton"])
    }
}

@Suite struct BlackoutTests {
    @Test func defaultWindowTwentiethToFirst() throws {
        let cal = try calendar()
        // March 2026 (MDT from the 8th): 20th 00:00 MDT = 06:00 UTC; Apr 1 00:00 MDT = 06:00 UTC.
        #expect(!cal.isInBlackout(utc("2026-03-20 05:59:59")))   // 19th 23:59:59
        #expect(cal.isInBlackout(utc("2026-03-20 06:00")))        // 20th 00:00
        #expect(cal.isInBlackout(utc("2026-04-01 05:59:59")))     // 31st 23:59:59
        #expect(!cal.isInBlackout(utc("2026-04-01 06:00")))       // 1st 00:00
        #expect(!cal.isInBlackout(utc("2026-04-10 12:00")))
        let w = cal.blackoutWindow(containingOrAfter: utc("2026-03-10 00:00"))
        #expect(w.start == utc("2026-03-20 06:00") && w.end == utc("2026-04-01 06:00"))
        let inside = cal.blackoutWindow(containingOrAfter: utc("2026-03-25 00:00"))
        #expect(inside.start == w.start && inside.end == w.end)
        let atEnd = cal.blackoutWindow(containingOrAfter: utc("2026-04-01 06:00"))
        #expect(atEnd.start == utc("2026-04-20 06:00") && atEnd.end == utc("2026-05-01 06:00"))
        // Across the year end, in MST.
        let dec = cal.blackoutWindow(containingOrAfter: utc("2026-12-31 12:00"))
        #expect(dec.start == utc("2026-12-20 07:00") && dec.end == utc("2027-01-01 07:00"))
    }

    @Test func windowInsideOneMonth() throws {
        let cal = try calendar { $0.blackoutFromDay = 5; $0.blackoutUntilDay = 10; $0.timezone = "UTC" }
        #expect(!cal.isInBlackout(utc("2026-06-04 23:59")))
        #expect(cal.isInBlackout(utc("2026-06-05 00:00")))
        #expect(cal.isInBlackout(utc("2026-06-09 23:59")))
        #expect(!cal.isInBlackout(utc("2026-06-10 00:00")))
        #expect(!cal.isInBlackout(utc("2026-06-25 00:00")))
        let w = cal.blackoutWindow(containingOrAfter: utc("2026-06-25 00:00"))
        #expect(w.start == utc("2026-07-05 00:00") && w.end == utc("2026-07-10 00:00"))
    }

    @Test func wrapIntoTheNextMonth() throws {
        let cal = try calendar { $0.blackoutFromDay = 25; $0.blackoutUntilDay = 5; $0.timezone = "UTC" }
        #expect(cal.isInBlackout(utc("2026-01-25 00:00")))
        #expect(cal.isInBlackout(utc("2026-02-03 12:00")))
        #expect(!cal.isInBlackout(utc("2026-02-05 00:00")))
        #expect(!cal.isInBlackout(utc("2026-01-24 23:59")))
        let w = cal.blackoutWindow(containingOrAfter: utc("2026-02-01 00:00"))
        #expect(w.start == utc("2026-01-25 00:00") && w.end == utc("2026-02-05 00:00"))
    }

    @Test func daysPastMonthEndMeanTheLastDay() throws {
        let cal = try calendar { $0.blackoutFromDay = 31; $0.blackoutUntilDay = 2; $0.timezone = "UTC" }
        #expect(cal.isInBlackout(utc("2026-04-30 00:00")))     // April has no 31st: from the 30th
        #expect(!cal.isInBlackout(utc("2026-04-29 23:59")))
        #expect(cal.isInBlackout(utc("2026-02-28 10:00")))
        #expect(!cal.isInBlackout(utc("2026-03-02 00:00")))
        // A window that clamping leaves empty: 30th → 31st has no room in February or April.
        let short = try calendar { $0.blackoutFromDay = 30; $0.blackoutUntilDay = 31; $0.timezone = "UTC" }
        #expect(!short.isInBlackout(utc("2026-02-28 12:00")))
        #expect(!short.isInBlackout(utc("2026-04-30 12:00")))
        #expect(short.isInBlackout(utc("2026-03-30 12:00")))
        let w = short.blackoutWindow(containingOrAfter: utc("2026-04-01 00:00"))
        #expect(w.start == utc("2026-05-30 00:00") && w.end == utc("2026-05-31 00:00"))
    }

    @Test func backToBackWindowsAreJoined() throws {
        // from 31, until 30 (wraps): Apr 30 → May 30, then May 31 → Jun 30 … In June the window starting
        // Jun 30 (31 clamped) begins exactly when the May one ends.
        let cal = try calendar { $0.blackoutFromDay = 31; $0.blackoutUntilDay = 30; $0.timezone = "UTC" }
        let w = cal.blackoutWindow(containingOrAfter: utc("2026-06-10 00:00"))
        #expect(w.start == utc("2026-05-31 00:00"))
        #expect(w.end == utc("2026-07-30 00:00"))
        #expect(cal.nextSendAllowed(from: utc("2026-06-10 00:00")) == utc("2026-07-30 00:00"))
    }

    @Test func disabled() throws {
        let cal = try calendar { $0.blackoutEnabled = false }
        let t = utc("2026-03-25 18:00")
        #expect(!cal.isInBlackout(t))
        let w = cal.blackoutWindow(containingOrAfter: t)
        #expect(w.start == t && w.end == t)
        #expect(cal.nextSendAllowed(from: t) == t)
        #expect(cal.earliestSend(requestedAt: t, trigger: .manual) == t)
        #expect(cal.earliestSend(requestedAt: t, trigger: .scheduled) == t)
    }
}

@Suite struct EarliestSendTests {
    let aprilFirst = utc("2026-04-01 06:00")   // 00:00 MDT

    @Test func manualAtOnce() throws {
        let cal = try calendar()
        let on19th = utc("2026-03-19 18:00")
        #expect(cal.earliestSend(requestedAt: on19th, trigger: .manual) == on19th)
        #expect(cal.earliestSend(requestedAt: utc("2026-03-20 18:00"), trigger: .manual) == aprilFirst)
        #expect(cal.earliestSend(requestedAt: utc("2026-04-01 05:00"), trigger: .manual) == aprilFirst)  // Mar 31 23:00
        let on1st = utc("2026-04-01 18:00")
        #expect(cal.earliestSend(requestedAt: on1st, trigger: .manual) == on1st)
    }

    @Test func manualSendTime() throws {
        let cal = try calendar { $0.manualSendTime = 2 * 60 }
        // Before 02:00 local: today at 02:00. After: tomorrow.
        #expect(cal.earliestSend(requestedAt: utc("2026-03-10 07:00"), trigger: .manual) == utc("2026-03-10 08:00"))
        #expect(cal.earliestSend(requestedAt: utc("2026-03-10 09:00"), trigger: .manual) == utc("2026-03-11 08:00"))
        // Exactly at the send time: now.
        #expect(cal.earliestSend(requestedAt: utc("2026-03-10 08:00"), trigger: .manual) == utc("2026-03-10 08:00"))
        // On the 19th in the evening: the 20th 02:00 is in the blackout, so the 1st 00:00.
        #expect(cal.earliestSend(requestedAt: utc("2026-03-20 04:00"), trigger: .manual) == aprilFirst)
        // On the 31st before 02:00: that 02:00 is in the blackout, so the 1st 00:00 (not 02:00).
        #expect(cal.earliestSend(requestedAt: utc("2026-03-31 07:00"), trigger: .manual) == aprilFirst)
        // On the 31st after 02:00: the next 02:00 is already on the 1st, outside the blackout.
        #expect(cal.earliestSend(requestedAt: utc("2026-03-31 12:00"), trigger: .manual) == utc("2026-04-01 08:00"))
        // On the 1st after the send time: the 2nd at 02:00.
        #expect(cal.earliestSend(requestedAt: utc("2026-04-01 12:00"), trigger: .manual) == utc("2026-04-02 08:00"))
        // On the 1st before it: that day.
        #expect(cal.earliestSend(requestedAt: utc("2026-04-01 06:30"), trigger: .manual) == utc("2026-04-01 08:00"))
    }

    @Test func manualSendTimeAcrossDST() throws {
        let cal = try calendar { $0.manualSendTime = 2 * 60 + 30; $0.blackoutEnabled = false }
        // Requested Mar 7 evening: next 02:30 is on Mar 8, which does not exist → 03:30 MDT.
        #expect(cal.earliestSend(requestedAt: utc("2026-03-08 05:00"), trigger: .manual) == utc("2026-03-08 09:30"))
        // Nov 1: 02:30 exists once (after the fall back, MST).
        #expect(cal.earliestSend(requestedAt: utc("2026-11-01 05:00"), trigger: .manual) == utc("2026-11-01 09:30"))
    }

    @Test func scheduledIgnoresManualTime() throws {
        let cal = try calendar { $0.manualSendTime = 2 * 60 }
        let run = utc("2026-03-08 04:00")
        #expect(cal.earliestSend(requestedAt: run, trigger: .scheduled) == run)
        let late = try calendar { $0.scheduleDay = 25 }
        let lateRun = late.scheduledRun(in: Period("2026-03")!)
        #expect(late.earliestSend(requestedAt: lateRun, trigger: .scheduled) == aprilFirst)
    }

    @Test func nextSendAllowed() throws {
        let cal = try calendar()
        let t = utc("2026-03-15 12:00")
        #expect(cal.nextSendAllowed(from: t) == t)
        #expect(cal.nextSendAllowed(from: utc("2026-03-22 12:00")) == aprilFirst)
    }
}
