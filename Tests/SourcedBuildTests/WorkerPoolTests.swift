import Foundation
import SourcedCore
import Testing

@testable import SourcedBuild

/// A hostile page in a worker process costs only that page: `render-limit`, quickly, while
/// the other pages are checked as usual.
@Suite struct WorkerPoolTests {
    /// Ends: the worker is stopped at its 5-second limit. The bound is Swift Testing's time
    /// limit rather than a clock read in the test: with every end-to-end build run twice (with
    /// and without the cache) beside it on two cores, the check has taken 33 s of wall time.
    @Test(.timeLimit(.minutes(2))) func aTableBombGetsRenderLimitAndTheRestIsChecked() async throws {
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
        let outcome = try await Pipeline.check(
            content: site.root.appendingPathComponent("Content").path, today: Day("2026-11-01")!, workers: pool)
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

extension WorkerPoolTests {
    /// Workers that die before they are ready (here: a program that is not a worker at all) end
    /// the run with one clear error after a few tries, instead of being restarted for ever.
    @Test func workersThatDieAsTheyStartEndTheRun() async throws {
        let site = try TempSite([
            "Content/site.yaml": "title: T\n",
            "Content/a.md": "---\ntitle: A\nreview:\n  status: draft\n---\n\nText.\n",
            "Content/b.md": "---\ntitle: B\nreview:\n  status: draft\n---\n\nText.\n",
        ])
        let pool = try WorkerPool(.init(executable: "/bin/false", count: 2, timeout: .seconds(5)))
        let start = ContinuousClock.now
        await #expect {
            _ = try await Pipeline.check(
                content: site.root.appendingPathComponent("Content").path, today: Day("2026-11-01")!, workers: pool)
        } throws: { error in
            "\(error)".contains(
                " worker processes in a row died as they started (exited with status 1), before any page")
        }
        // A guard against restarting for ever, not a timing.
        #expect(ContinuousClock.now - start < .seconds(60))
    }

    /// A pool asked for many workers starts no more than there are pages.
    @Test func aPoolStartsNoMoreWorkersThanPages() async throws {
        let options = WorkerPool.Options(executable: try sourcedBinary().path, count: 100_000)
        #expect(options.count == WorkerPool.Options.maximumCount)
        #expect(WorkerPool.Options.maximumCount <= max(8, 4 * ProcessInfo.processInfo.activeProcessorCount))
        let site = try TempSite([
            "Content/a.md": "---\ntitle: A\nreview:\n  status: draft\n---\n\nText.\n"
        ])
        let pool = try WorkerPool(options)
        #expect(pool.workerCount == 0)
        _ = try await Pipeline.check(
            content: site.root.appendingPathComponent("Content").path, today: Day("2026-11-01")!, workers: pool)
        #expect(pool.workerCount == 1)
    }

    /// The process ids of `parent`'s children, from /proc.
    static func children(of parent: pid_t) throws -> [pid_t] {
        let tasks = try FileManager.default.contentsOfDirectory(atPath: "/proc/\(parent)/task")
        return tasks.flatMap { task -> [pid_t] in
            let text = (try? String(contentsOfFile: "/proc/\(parent)/task/\(task)/children", encoding: .utf8)) ?? ""
            return text.split(separator: " ").compactMap { pid_t($0) }
        }
    }

    static func commandLine(_ pid: pid_t) -> String {
        let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") ?? Data()
        return String(decoding: data.map { $0 == 0 ? UInt8(ascii: " ") : $0 }, as: UTF8.self)
    }
}

/// A worker that crashes or is killed, and a parent that is killed, through the real binary.
@Suite struct WorkerFaultTests {
    static let slowPage =
        "---\ntitle: Slow\nreview:\n  status: draft\n---\n\n" + String(repeating: "z_www.", count: 100_000)

    func site() throws -> TempSite {
        try TempSite([
            "Content/site.yaml": "title: T\n",
            "Content/slow.md": Self.slowPage,
            "Content/fine.md": "---\ntitle: Fine\nreview:\n  status: draft\n---\n\nFine [@missing].\n",
        ])
    }

    /// Starts `sourced` with `arguments` in `site`, and returns it once a worker is busy.
    func startWithBusyWorker(_ site: TempSite, _ arguments: [String]) throws -> (Process, Pipe, pid_t) {
        let process = Process()
        process.executableURL = try sourcedBinary()
        process.arguments = arguments
        process.currentDirectoryURL = site.root
        var environment = ProcessInfo.processInfo.environment
        // The crash reporter that held a crashed worker's pipes: on, as it is by default.
        environment["SWIFT_BACKTRACE"] = "enable=yes"
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            // A worker busy on the slow page: one that has used CPU for a while.
            if let worker = try WorkerPoolTests.children(of: process.processIdentifier).first(where: {
                WorkerPoolTests.commandLine($0).contains("worker")
            }) {
                Thread.sleep(forTimeInterval: 1)
                return (process, output, worker)
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        process.terminate()
        throw NoWorker()
    }

    struct NoWorker: Error {}

    /// Waits for `process` at most `limit`; false (and kills it) when it has not ended by then.
    func ends(_ process: Process, within limit: Duration) -> Bool {
        let deadline = ContinuousClock.now + limit
        while process.isRunning, ContinuousClock.now < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            return false
        }
        return true
    }

    /// 16 of 28 runs whose worker died of SIGSEGV never ended: Swift's crash reporter held the
    /// worker's pipes. Now each signal gives the page `render-limit`, saying how the worker
    /// died, well within the page timeout.
    @Test(arguments: [SIGSEGV, SIGABRT, SIGILL, SIGTERM])
    func aWorkerKilledBySignalGivesItsPageRenderLimit(_ signal: Int32) throws {
        let site = try site()
        let (process, output, worker) = try startWithBusyWorker(
            site, ["check", "--jobs", "1", "--page-timeout", "60", "--format", "json", "--no-cache"])
        kill(worker, signal)
        #expect(ends(process, within: .seconds(15)), "signal \(signal): the run did not end")
        let report = String(decoding: readToEnd(output.fileHandleForReading.fileDescriptor), as: UTF8.self)
        #expect(process.terminationStatus == 1)
        #expect(report.contains("\"rule\":\"render-limit\""), "\(report)")
        #expect(report.contains("died of signal \(signal) ("), "\(report)")
        #expect(report.contains("\"rule\":\"unknown-citation\""))
    }

    /// A worker on a page that keeps it busy for minutes goes as soon as its parent is killed.
    @Test func workersEndWithTheirParent() throws {
        let site = try site()
        let (process, _, worker) = try startWithBusyWorker(site, ["check", "--jobs", "1", "--page-timeout", "60"])
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let deadline = ContinuousClock.now + .seconds(5)
        while kill(worker, 0) == 0, ContinuousClock.now < deadline {
            // A zombie (reparented, not yet reaped) is gone too.
            let state = (try? String(contentsOfFile: "/proc/\(worker)/stat", encoding: .utf8)) ?? ""
            if state.split(separator: " ").dropFirst(2).first == "Z" { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        let state = (try? String(contentsOfFile: "/proc/\(worker)/stat", encoding: .utf8)) ?? ""
        #expect(state.isEmpty || state.split(separator: " ").dropFirst(2).first == "Z", "\(state)")
    }
}
