import Foundation
import Testing

@testable import SourcedBuild

#if canImport(Glibc)
    import Glibc
#endif

/// Two builds into one output, and `approve` racing an editor's save (issue #16 item 4).
@Suite struct ConcurrentUseTests {
    func site() throws -> TempSite {
        var files = ["Content/site.yaml": "title: T\n"]
        for index in 0..<40 {
            files["Content/topics/p\(index).md"] =
                "---\ntitle: Page \(index)\nreview:\n  status: draft\nreferences:\n  - {id: s, title: S}\n---\n\nClaim \(index) [@s].\n"
        }
        return try TempSite(files)
    }

    @Test func aSecondBuildIsRefusedNamingTheFirstAndTheSiteIsUntouched() throws {
        let site = try site()
        #expect(try site.run(["build", "--templates", templatesPath, "--no-cache"]).status == 0)
        let before = try site.snapshot("Public")
        // A build holding the lock, as far as the second can tell: the lock file, flocked, with a pid.
        let lockPath = site.root.appendingPathComponent(".Public.sourced-lock").path
        let holder = open(lockPath, O_RDWR | O_CREAT, 0o644)
        #expect(holder >= 0)
        #expect(flock(holder, LOCK_EX | LOCK_NB) == 0)
        _ = ftruncate(holder, 0)
        _ = Array("4242\n".utf8).withUnsafeBytes { pwrite(holder, $0.baseAddress, $0.count, 0) }
        try site.write(
            "Content/topics/p0.md",
            "---\ntitle: Changed\nreview:\n  status: draft\nreferences:\n  - {id: s, title: S}\n---\n\nClaim [@s].\n")
        let refused = try site.run(["build", "--templates", templatesPath, "--no-cache"])
        #expect(refused.status == 2)
        #expect(
            refused.stderr.contains(
                "output 'Public' is locked by pid 4242 (another sourced build into it); wait for it to finish"),
            "\(refused.stderr)")
        #expect(try site.snapshot("Public") == before)
        close(holder)
        let built = try site.run(["build", "--templates", templatesPath, "--no-cache"])
        #expect(built.status == 0, "\(built.stderr)")
        #expect(site.read("Public/topics/p0/index.html")?.contains("Changed") == true)
    }

    /// Real builds at once: each finishes or is refused, and the site is one build's, whole.
    @Test func buildsStartedTogetherNeverMixTheirSites() throws {
        let site = try site()
        let binary = try sourcedBinary()
        for round in 0..<4 {
            try site.write(
                "Content/topics/p1.md",
                "---\ntitle: Round \(round)\nreview:\n  status: draft\nreferences:\n  - {id: s, title: S}\n---\n\nClaim [@s].\n"
            )
            var processes: [(Process, Pipe)] = []
            for _ in 0..<3 {
                let process = Process()
                process.executableURL = binary
                process.arguments = ["build", "--templates", templatesPath, "--no-cache", "--quiet"]
                process.currentDirectoryURL = site.root
                let stderr = Pipe()
                process.standardError = stderr
                process.standardOutput = FileHandle.nullDevice
                try process.run()
                processes.append((process, stderr))
            }
            var finished = 0
            for (process, stderr) in processes {
                let message = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                process.waitUntilExit()
                if process.terminationStatus == 0 {
                    finished += 1
                } else {
                    #expect(process.terminationStatus == 2 && message.contains("is locked by pid"), "\(message)")
                }
            }
            #expect(finished >= 1)
            let files = try site.snapshot("Public")
            #expect(files.keys.filter { $0.hasPrefix("topics/") }.count == 40)
            #expect(site.read("Public/topics/p1/index.html")?.contains("Round \(round)") == true)
        }
    }

    @Test func approveNeverWritesOverASaveMadeSinceItsCheck() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sourced-cas-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent("page.md").path
        try Data("checked".utf8).write(to: URL(fileURLWithPath: path))
        chmod(path, 0o600)
        // Saved since: the approval's edit does not go in.
        try Data("saved by an editor".utf8).write(to: URL(fileURLWithPath: path))
        #expect(try AtomicFile.replace(path, bytes: Array("approved".utf8), ifStill: Array("checked".utf8)) == false)
        #expect(FileManager.default.contents(atPath: path) == Data("saved by an editor".utf8))
        // Unchanged: it does, keeping the file's permissions, and leaves no temporary file.
        #expect(
            try AtomicFile.replace(
                path, bytes: Array("approved".utf8), ifStill: Array("saved by an editor".utf8),
                keepsPermissions: true))
        #expect(FileManager.default.contents(atPath: path) == Data("approved".utf8))
        var status = stat()
        #expect(stat(path, &status) == 0 && status.st_mode & 0o777 == 0o600)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["page.md"])
    }
}
