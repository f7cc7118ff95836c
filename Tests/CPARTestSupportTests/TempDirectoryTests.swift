import CPARTestSupport
import Foundation
import Testing

@Suite struct TempDirectoryTests {
    @Test func writesFilesAndIsRemovedOnRelease() throws {
        var dir: TempDirectory? = try TempDirectory("cpard-support")
        let path = try #require(dir?.path)
        #expect(try dir?.write("b.txt", "héllo") == path + "/b.txt")
        #expect(try String(contentsOfFile: path + "/b.txt", encoding: .utf8) == "héllo")
        #expect(try dir?.write("c.bin", bytes: [0, 255]) == dir?.file("c.bin"))
        #expect(URL(fileURLWithPath: path).lastPathComponent.hasPrefix("cpard-support-"))
        dir = nil
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test func withTempDirectoryRemovesItAfterTheBody() throws {
        let path = try withTempDirectory { dir in
            #expect(FileManager.default.fileExists(atPath: dir))
            return dir
        }
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test func packageRootHoldsTheTools() {
        #expect(FileManager.default.fileExists(atPath: PackageRoot.tool("registry-sim/registry_sim.py")))
        #expect(FileManager.default.fileExists(atPath: PackageRoot.submissionSchema))
    }
}
