import Foundation
import Testing

@testable import SourcedBuild

/// The command line's helpers: `--version`, `sourced new`, `--quiet`, colour only on a
/// terminal (and never with `NO_COLOR`).
@Suite struct CommandLineTests {
    static let page = "---\ntitle: T\nreview:\n  status: draft\n---\n\nUncited claim.\n"

    /// `check topics/x.md` (not as diagnostics print it, or a page since renamed) used to report
    /// "0 errors" and pass.
    @Test func aPageNameThatMatchesNoPageIsAUsageError() throws {
        let site = try TempSite(["Content/site.yaml": "title: T\n", "Content/topics/a.md": Self.page])
        for name in ["topics/a.md", "Content/topics/x.md", "Content/topics", "Content/site.yaml"] {
            let result = try site.run(["check", "--templates", templatesPath, name])
            #expect(result.status == 64, "\(name)")
            #expect(
                result.stderr.hasPrefix("sourced: error: '\(name)' matches no page in 'Content'; give a page's path"),
                "\(result.stderr)")
        }
        let named = try site.run(["check", "--templates", templatesPath, "./Content//topics/a.md"])
        #expect(named.status == 1 && named.stdout.contains("Content/topics/a.md:7:1"), "\(named.stdout)")
    }

    @Test func versionNamesTheProgramAndItsMarkdownLibrary() throws {
        let result = try TempSite([:]).run(["--version"])
        #expect(result.status == 0)
        #expect(result.stdout.hasPrefix("sourced \(Pipeline.version) (cmark-gfm "), "\(result.stdout)")
    }

    @Test func newWritesADraftThatPassesCheckAndNeverOverwrites() throws {
        let site = try TempSite([:])
        let made = try site.run(["new", "Hypokalemia in adults: a primer"])
        #expect(made.status == 0, "\(made.stderr)")
        let path = "Content/topics/hypokalemia-in-adults-a-primer.md"
        let text = try #require(site.read(path))
        #expect(text.hasPrefix("---\ntitle: \"Hypokalemia in adults: a primer\"\n"))
        let check = try site.run(["check", "--strict"])
        #expect(check.status == 0, "\(check.stdout)")
        #expect(check.stdout == "0 errors, 0 warnings in 1 page\n")

        try site.write(path, "edited by hand\n")
        let again = try site.run(["new", "Hypokalemia in adults: a primer"])
        #expect(again.status == 2)
        #expect(again.stderr.contains("already exists; nothing was written"))
        #expect(site.read(path) == "edited by hand\n")

        let quoted = try site.run(["new", "Say \"hi\" \\ there", "--slug", "hi", "--folder", "about"])
        #expect(quoted.status == 0, "\(quoted.stderr)")
        #expect(site.read("Content/about/hi.md")?.contains(#"title: "Say \"hi\" \\ there""#) == true)
        #expect(try site.run(["new", "!!!"]).status == 64)
        #expect(try site.run(["new", "X", "--folder", "../out"]).status == 64)
    }

    @Test func quietLeavesOnlyTheDiagnostics() throws {
        let site = try TempSite(["Content/topics/a.md": Self.page])
        let loud = try site.run(["check"])
        let quiet = try site.run(["check", "--quiet"])
        #expect(loud.stdout.hasSuffix("1 error, 0 warnings in 1 page\n"))
        #expect(quiet.status == 1)
        #expect(quiet.stdout + "1 error, 0 warnings in 1 page\n" == loud.stdout)
        let clean = try TempSite(["Content/topics/a.md": Self.page.replacingOccurrences(of: "Uncited claim.", with: "")]
        )
        let build = try clean.run(["build", "--quiet", "--templates", templatesPath])
        #expect(build.status == 0)
        #expect(build.stdout.isEmpty && !build.stderr.contains("Built"), "\(build.stdout)")
    }

    @Test func colourOnlyOnATerminalAndNeverWithNoColor() throws {
        let site = try TempSite(["Content/topics/a.md": Self.page])
        // On a pipe, as every run here is: no escape sequence at all.
        let piped = try site.run(["check"])
        #expect(!piped.stdout.contains("\u{1B}["))
        // On a terminal (script(1) gives the run one): the severity in red.
        let binary = try sourcedBinary().path
        let onTerminal = try site.run(
            ["-qec", "\(binary) check", "/dev/null"], environment: ["NO_COLOR": "", "TERM": "xterm"],
            executable: URL(fileURLWithPath: "/usr/bin/script"))
        #expect(onTerminal.stdout.contains("\u{1B}[1;31merror\u{1B}[0m"), "\(onTerminal.stdout)")
        let noColor = try site.run(
            ["-qec", "\(binary) check", "/dev/null"], environment: ["NO_COLOR": "1", "TERM": "xterm"],
            executable: URL(fileURLWithPath: "/usr/bin/script"))
        #expect(noColor.stdout.contains("error: paragraph has no citation"))
        #expect(!noColor.stdout.contains("\u{1B}[1;31m"), "\(noColor.stdout)")
    }
}
