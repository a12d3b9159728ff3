import Foundation
import Testing

@testable import SourcedBuild

/// Every input a fuzz target (`scripts/fuzz`) ever crashed on, under
/// `Fixtures/fuzz/TARGET/`, replayed through the same target: none may crash again.
@Suite struct FuzzRegressionTests {
    static let fixtures = packageRoot.appendingPathComponent("Tests/SourcedBuildTests/Fixtures/fuzz")

    static func inputs(_ target: String) -> [URL] {
        let folder = fixtures.appendingPathComponent(target)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { !$0.hasPrefix(".") }.sorted().map { folder.appendingPathComponent($0) }
    }

    /// Replayed by the `sourced-fuzz` binary, a process of its own: an input on which btparse
    /// gives up leaves it unusable for the rest of its process, which must not be the tests'.
    @Test(arguments: FuzzTargets.names)
    func everyCrashFoundIsReplayed(_ target: String) throws {
        let inputs = Self.inputs(target)
        let replayer = try sourcedBinary().deletingLastPathComponent().appendingPathComponent("sourced-fuzz")
        let process = Process()
        process.executableURL = replayer
        process.arguments = [target] + inputs.map(\.path)
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationReason == .exit && process.terminationStatus == 0, "\(target): \(printed)")
        // One line per input: every one was run to its end.
        #expect(printed.split(separator: "\n").count == inputs.count, "\(printed)")
    }

    /// After btparse gives up on a file, the next .bib file in that process is reported, not read.
    @Test func aFileTheParserGivesUpOnIsReportedAndTheNextIsNotRead() throws {
        let folder = Self.fixtures.appendingPathComponent("bibliography")
        let process = Process()
        process.executableURL = try sourcedBinary().deletingLastPathComponent().appendingPathComponent("sourced-fuzz")
        process.arguments = [
            "bibliography", folder.appendingPathComponent("parser-gives-up.txt").path,
            folder.appendingPathComponent("use-after-free-split-list.bib").path,
        ]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(printed)")
        #expect(printed.contains("parser-gives-up.txt: "), "\(printed)")
    }

    /// The targets run on the example content, the seed corpus `scripts/fuzz` starts from.
    @Test func theTargetsRunOnTheSeeds() throws {
        // A page with a patient variant and no grades (the target's site has audiences, no scheme).
        let page = Array(try Data(contentsOf: packageRoot.appendingPathComponent("Content/topics/hyperkalemia.md")))
        #expect(FuzzTargets.run("page", page) == 0)
        #expect(FuzzTargets.run("front-matter", page) == 0)
        #expect(FuzzTargets.run("scanners", page) > 10)
        let bibliography = Array(try Data(contentsOf: packageRoot.appendingPathComponent("Content/bibliography.yaml")))
        #expect(FuzzTargets.run("bibliography", bibliography) > 10)
    }
}
