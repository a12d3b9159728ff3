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

    @Test(arguments: FuzzTargets.names)
    func everyCrashFoundIsReplayed(_ target: String) throws {
        // A crash would end the test process; reaching the end is the check.
        var replayed = 0
        for input in Self.inputs(target) {
            FuzzTargets.run(target, Array(try Data(contentsOf: input)))
            replayed += 1
        }
        #expect(replayed == Self.inputs(target).count)
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
