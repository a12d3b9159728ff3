import Foundation
import SourcedCore
import Testing

@testable import SourcedBuild

/// A hostile page in a worker process costs only that page: `render-limit`, quickly, while
/// the other pages are checked as usual.
@Suite struct WorkerPoolTests {
    @Test func aTableBombGetsRenderLimitAndTheRestIsChecked() async throws {
        let n = 3000  // 24 KB of Markdown that cmark-gfm 0.29 turns into gigabytes of cells
        let bomb =
            String(repeating: "|x", count: n) + "|\n" + String(repeating: "|-", count: n) + "|\n"
            + String(repeating: "|a|\n", count: n)
        let site = try TempSite([
            "Content/site.yaml": "title: Hostile\n",
            "Content/bomb.md": "---\ntitle: Bomb\nreview:\n  status: draft\n---\n\n" + bomb,
            "Content/fine.md": "---\ntitle: Fine\nreview:\n  status: draft\n---\n\nFine [@missing].\n",
        ])
        let pool = try WorkerPool(
            .init(executable: try sourcedBinary().path, count: 2, memoryLimitMB: 1024, timeout: .seconds(5)))
        let start = ContinuousClock.now
        let outcome = try await Pipeline.check(
            content: site.root.appendingPathComponent("Content").path, today: Day("2026-11-01")!, workers: pool)
        #expect(ContinuousClock.now - start < .seconds(30))
        let found = outcome.diagnostics.map {
            "\($0.file.split(separator: "/").last!):\($0.position.line) \($0.rule.rawValue)"
        }
        #expect(found == ["bomb.md:1 render-limit", "fine.md:7 unknown-citation"])

        // The pool replaced the worker it lost and goes on working.
        let again = try await Pipeline.check(
            content: site.root.appendingPathComponent("Content").path, today: Day("2026-11-01")!, workers: pool)
        #expect(again.diagnostics.count == 2)
    }

    @Test func workersGiveTheSameResultsAsTheInProcessParser() async throws {
        let site = try TempSite([
            "Content/site.yaml": "title: Same\n",
            "Content/bibliography.yaml": "- id: a\n  title: A\n",
            "Content/x.md":
                "---\ntitle: X\nreview:\n  status: draft\n---\n\n# Head\n\nClaim [@a] and [@b], see [y](y.md#nope).\n\nUncited.\n",
            "Content/y.md": "---\ntitle: Y\nreview:\n  status: approved\n---\n\nText [@a].\n",
        ])
        let content = site.root.appendingPathComponent("Content").path
        let pool = try WorkerPool(.init(executable: try sourcedBinary().path, count: 2))
        let viaWorkers = try await Pipeline.check(content: content, today: Day("2026-11-01")!, workers: pool)
        let inProcess = try await Pipeline.check(content: content, today: Day("2026-11-01")!)
        #expect(viaWorkers.diagnostics == inProcess.diagnostics)
        #expect(viaWorkers.diagnostics.count == 4)
    }
}
