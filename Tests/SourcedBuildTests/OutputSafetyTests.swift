import Foundation
import Testing

/// How `build` replaces its output folder when attacked or interrupted: never a missing or mixed
/// site, never a file of the user's deleted (SPEC §5, "Atomic output").
@Suite struct OutputSafetyTests {
    func site() throws -> TempSite {
        try TempSite([
            "Content/site.yaml": "title: Test KB\n",
            "Content/topics/a.md": page(title: "Topic A", references: Self.source, body: "Claim [@s].\n"),
            "Content/topics/b.md": page(title: "Topic B", references: Self.source, body: "Other [@s].\n"),
        ])
    }

    static let source = "references:\n  - id: s\n    title: A source\n"

    func build(_ site: TempSite, _ extra: [String] = [], environment: [String: String] = [:]) throws -> (
        status: Int32, stdout: String, stderr: String
    ) {
        try site.run(["build", "--templates", templatesPath, "--date", "2026-11-01"] + extra, environment: environment)
    }

    /// A file put into the output after a build is named, and neither moved nor deleted, by
    /// every later build until it is moved out.
    @Test func aFileAddedToTheOutputIsNeverMovedOrDeleted() throws {
        let site = try site()
        #expect(try build(site).status == 0)
        try site.write("Public/notes.txt", "mine")
        try site.write("Public/topics/a/draft.md", "also mine")
        for _ in 0..<3 {
            let result = try build(site)
            #expect(result.status == 2)
            #expect(
                result.stderr
                    == "sourced: error: output: refusing to replace 'Public': it holds 2 files that no Sourced build wrote (notes.txt, topics/a/draft.md); move them out (files to publish belong in the content folder) or choose another --output\n"
            )
            #expect(site.read("Public/notes.txt") == "mine")
            #expect(site.read("Public/topics/a/draft.md") == "also mine")
        }
        #expect(!site.exists(".Public.sourced-spare/notes.txt"))
        try FileManager.default.removeItem(atPath: site.root.path + "/Public/notes.txt")
        try FileManager.default.removeItem(atPath: site.root.path + "/Public/topics/a/draft.md")
        #expect(try build(site).status == 0)
        // Dotfiles at the top stay the user's, as before, and are carried over.
        try site.write("Public/.htaccess", "Options -Indexes\n")
        #expect(try build(site).status == 0)
        #expect(try build(site).status == 0)
        #expect(site.read("Public/.htaccess") == "Options -Indexes\n")
    }

    /// What a build wrote, its marker lists; a file in the spare that no build listed (one that
    /// reached the output while a build ran, or that an older Sourced moved there) is left for
    /// the user, and the next build names it.
    @Test func aFileInTheSpareThatNoBuildWroteIsKept() throws {
        let site = try site()
        #expect(try build(site).status == 0)
        #expect(try build(site).status == 0)
        let marker = try #require(site.read("Public/.sourced-build"))
        #expect(marker.contains("\ntopics/a/index.html\n"))
        try site.write(".Public.sourced-spare/notes.txt", "mine")
        try FileManager.default.removeItem(atPath: site.root.path + "/Content/topics/b.md")
        #expect(try build(site).status == 0)
        #expect(site.read("Public/notes.txt") == "mine")
        #expect(!site.exists("Public/topics/b/index.html"))
        let next = try build(site)
        #expect(next.status == 2)
        #expect(next.stderr.contains("(notes.txt)"))
        #expect(site.read("Public/notes.txt") == "mine")
    }

    /// A folder left by a Sourced that did not list its files is still replaced, as before.
    @Test func anOutputMarkedByAnOlderBuildIsReplaced() throws {
        let site = try site()
        try site.write("Public/.sourced-build", "written by sourced build; this folder is replaced on every build\n")
        try site.write("Public/index.html", "old")
        #expect(try build(site).status == 0)
        #expect(site.read("Public/index.html") != "old")
    }

    /// A `build` killed at any `rename` leaves the output folder as the previous site or the new
    /// one, byte for byte, and the next build ends with the new site. An `LD_PRELOAD` shim kills
    /// the process at its Nth call of `rename`; the old two-rename swap left no output at all
    /// when killed at the second.
    @Test func aBuildKilledAtAnyRenameLeavesTheOldSiteOrTheNew() throws {
        let shim = try Self.killingShim()
        var killedAt = 0
        for n in 1...8 {
            let site = try site()
            #expect(try build(site, ["--no-cache", "--output", "Fresh"]).status == 0)
            #expect(try build(site).status == 0)
            #expect(try build(site).status == 0)
            let old = try site.snapshot("Public")
            try site.write(
                "Content/topics/a.md", page(title: "Topic A, edited", references: Self.source, body: "New [@s].\n"))
            #expect(try build(site, ["--no-cache", "--output", "New"]).status == 0)
            let new = try site.snapshot("New")
            #expect(old != new)
            let killed = try build(site, environment: ["LD_PRELOAD": shim, "SOURCED_TEST_KILL_AT_RENAME": "\(n)"])
            if killed.status == 0 {
                // Fewer renames than n: this build was not killed, and every place was tried.
                #expect(try site.snapshot("Public") == new)
                break
            }
            killedAt = n
            let after = try site.snapshot("Public")
            #expect(after == old || after == new, "killed at rename \(n): the output is neither site")
            let next = try build(site)
            #expect(next.status == 0, "\(next.stderr)")
            #expect(try site.snapshot("Public") == new)
            let stale = try FileManager.default.contentsOfDirectory(atPath: site.root.path).filter {
                $0.contains(".sourced-new-") || $0.contains(".sourced-old-")
            }
            #expect(stale.isEmpty, "left behind after the kill at rename \(n): \(stale)")
        }
        #expect(killedAt >= 2, "the shim never killed a build")
    }

    /// A staging folder of a build that was killed is removed by the next build once its process
    /// is gone; one whose process still runs is left alone.
    @Test func abandonedStagingFoldersAreRemoved() throws {
        let site = try site()
        let gone = Process()
        gone.executableURL = URL(fileURLWithPath: "/bin/true")
        try gone.run()
        gone.waitUntilExit()
        let running = ProcessInfo.processInfo.processIdentifier
        try site.write(".Public.sourced-new-\(gone.processIdentifier)/topics/x/index.html", "half a site")
        try site.write(".Public.sourced-old-\(gone.processIdentifier)/index.html", "an old site")
        try site.write(".Public.sourced-new-\(running)/index.html", "a build still running")
        #expect(try build(site).status == 0)
        #expect(!site.exists(".Public.sourced-new-\(gone.processIdentifier)"))
        #expect(!site.exists(".Public.sourced-old-\(gone.processIdentifier)"))
        #expect(site.read(".Public.sourced-new-\(running)/index.html") == "a build still running")
    }

    /// `--output` naming a symlink builds into the folder it points to, and the link stays.
    @Test func aSymlinkedOutputKeepsPointingAtTheSite() throws {
        let site = try site()
        let fm = FileManager.default
        try fm.createDirectory(atPath: site.root.path + "/srv/www", withIntermediateDirectories: true)
        try fm.createSymbolicLink(atPath: site.root.path + "/Public", withDestinationPath: "srv/www")
        for _ in 0..<3 { #expect(try build(site).status == 0) }
        try site.write(
            "Content/topics/a.md", page(title: "Topic A, edited", references: Self.source, body: "New [@s].\n"))
        #expect(try build(site).status == 0)
        #expect(try fm.destinationOfSymbolicLink(atPath: site.root.path + "/Public") == "srv/www")
        #expect(site.read("srv/www/topics/a/index.html")?.contains("Topic A, edited") == true)
        #expect(site.exists("srv/.www.sourced-spare/.gitignore"))
        #expect(!site.exists(".Public.sourced-spare"))

        try fm.createSymbolicLink(atPath: site.root.path + "/Dangling", withDestinationPath: "nowhere")
        let dangling = try build(site, ["--output", "Dangling"])
        #expect(dangling.status == 2)
        #expect(
            dangling.stderr.hasPrefix("sourced: error: output: 'Dangling' is a symlink to a folder that does not exist")
        )
        #expect(dangling.stderr.split(separator: "\n").count == 1)
    }

    /// An output whose parent cannot be made is one line naming the path, not a Foundation dump.
    @Test func anUnwritableOutputIsOneLineNamingThePath() throws {
        let site = try site()
        try site.write("afile", "not a folder")
        let result = try build(site, ["--output", "afile/site"])
        #expect(result.status == 2)
        #expect(result.stderr.hasPrefix("sourced: error: output: 'afile/site': cannot create the folder '"))
        #expect(result.stderr.contains("afile"))
        #expect(!result.stderr.contains("NSCocoaErrorDomain"))
        #expect(result.stderr.split(separator: "\n").count == 1)
    }

    /// Content folders given as `C/`, `C` or `.` trapped while the cache folder was worked out.
    @Test func contentFolderPathsOfEveryShapeWork() throws {
        let site = try TempSite([
            "C/site.yaml": "title: Test KB\n",
            "C/topics/a.md": page(title: "Topic A", references: Self.source, body: "Claim [@s].\n"),
        ])
        for content in ["C/", "C", "./C/"] {
            let result = try site.run(["check", "--content", content])
            #expect(result.status == 0, "\(content): \(result.stderr)")
            #expect(result.stdout.hasSuffix("0 errors, 0 warnings in 1 page\n"))
        }
        let built = try site.run(["build", "--content", "C/", "--templates", templatesPath])
        #expect(built.status == 0, "\(built.stderr)")
        #expect(site.exists(".sourced-cache/pages.bin"))
        let inside = TempSite(existing: site.root.appendingPathComponent("C"))
        let dot = try inside.run(["build", "--content", ".", "--templates", templatesPath, "--output", "../Out"])
        #expect(dot.status == 0, "\(dot.stderr)")
        #expect(site.exists("Out/topics/a/index.html"))
    }

    /// A shared library that SIGKILLs its process at the Nth `rename` (N from the environment),
    /// compiled once per test run.
    static func killingShim() throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sourced-shim-\(getpid())")
        let library = folder.appendingPathComponent("kill-at-rename.so").path
        if FileManager.default.fileExists(atPath: library) { return library }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let source = folder.appendingPathComponent("kill-at-rename.c")
        try Data(
            """
            #define _GNU_SOURCE
            #include <dlfcn.h>
            #include <signal.h>
            #include <stdlib.h>
            #include <unistd.h>
            static int calls;
            int rename(const char *from, const char *to) {
                static int (*real)(const char *, const char *);
                if (!real) real = (int (*)(const char *, const char *))dlsym(RTLD_NEXT, "rename");
                const char *at = getenv("SOURCED_TEST_KILL_AT_RENAME");
                if (at && ++calls == atoi(at)) kill(getpid(), SIGKILL);
                return real(from, to);
            }
            """.utf8
        ).write(to: source)
        let compiler = Process()
        compiler.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        compiler.arguments = ["cc", "-shared", "-fPIC", "-o", library, source.path, "-ldl"]
        try compiler.run()
        compiler.waitUntilExit()
        guard compiler.terminationStatus == 0 else { throw ShimNotBuilt() }
        return library
    }

    struct ShimNotBuilt: Error {}
}
