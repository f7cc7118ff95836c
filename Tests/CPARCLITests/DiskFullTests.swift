import CPARTestSupport
import Foundation
import Testing

/// SPEC §15: an I/O error while preparing a submission leaves it Queued with the error and a next attempt, never
/// Failed; it goes out once the cause is gone. Real `cpard --once`, the payload directory on a full tmpfs.
@Suite("disk full while preparing", .serialized)
struct DiskFullTests {
    @Test func aFullDiskLeavesTheSubmissionQueuedAndItIsSentWhenSpaceReturns() throws {
        let (h, sim) = try Harness.submittable(extra: "retry.min_backoff = 1s\nretry.max_backoff = 1s\n")
        defer { sim.stop(); h.cleanup() }
        let mount = try SmallMount(bytes: 64 * 1024)
        defer { mount.unmount() }
        let payloads = h.dir.appendingPathComponent("state/payloads").path
        try FileManager.default.createDirectory(atPath: h.dir.appendingPathComponent("state").path,
                                                withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: payloads, withDestinationPath: mount.path)
        // Fill it: dd stops at ENOSPC.
        let filler = mount.file("filler")
        _ = try Subprocess.run("/bin/dd", ["if=/dev/zero", "of=\(filler)", "bs=4096"])
        try h.ctl("submit", "--panel", "1001")

        let full = try h.once()
        #expect(full.status == 0, "\(full.all)")
        let s = try h.panelStatus()
        #expect(s["status"] as? String == "Queued", "never Failed for a full disk: \(full.all)")
        #expect((s["error"] as? String)?.contains("could not write the payload") == true, "\(s)")
        #expect(s["next_attempt"] is String)
        #expect(try h.history().first?["attempts"] as? Int == 0, "nothing was sent")
        #expect(sim.posts.isEmpty)
        #expect(try h.inbox().isEmpty, "no failure notice")
        let left = try FileManager.default.contentsOfDirectory(atPath: mount.path).filter { $0 != "filler" }
        #expect(left.isEmpty, "no temp file holding patient data is left behind: \(left)")

        // Space returns: the retry builds the payload and sends it.
        try FileManager.default.removeItem(atPath: filler)
        let deadline = Date().addingTimeInterval(60)
        var status = ""
        while status != "Submitted" && Date() < deadline {
            try h.once()
            status = try h.panelStatus()["status"] as? String ?? ""
            if status != "Submitted" { usleep(200_000) }
        }
        #expect(status == "Submitted")
        #expect(sim.posts.count == 1)
        #expect(try h.history().count == 1, "the same submission, retried")
    }
}
