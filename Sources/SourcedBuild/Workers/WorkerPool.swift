import Foundation
import SourcedCore
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Worker processes that do the per-page work, so one hostile page can neither corrupt
/// another (cmark-gfm's parser is not thread-safe) nor take the whole run down: a worker that
/// dies or overruns its time on a page is replaced, and that page gets `render-limit`.
package final class WorkerPool: Sendable {
    package struct Options: Sendable {
        /// The `sourced` executable, started as `sourced worker`.
        package var executable: String
        /// At most this many workers run; never more than there are pages to parse.
        package var count: Int
        package var memoryLimitMB: Int
        package var timeout: Duration

        /// `timeout` in seconds, for timers and messages.
        var timeoutSeconds: Double {
            Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
        }

        /// The most workers a pool starts, whatever it is asked for: four per core (parsing is
        /// CPU-bound; more only add memory and start-up time).
        package static var maximumCount: Int { max(8, 4 * ProcessInfo.processInfo.activeProcessorCount) }

        package init(executable: String, count: Int, memoryLimitMB: Int = 2048, timeout: Duration = .seconds(10)) {
            self.executable = executable
            self.count = min(max(1, count), Self.maximumCount)
            self.memoryLimitMB = memoryLimitMB
            self.timeout = timeout
        }
    }

    /// The run cannot go on: workers die as they start, before any page is sent.
    package struct StartFailure: Error, CustomStringConvertible {
        package var description: String
    }

    /// How many workers in a row may die as they start before the run ends.
    static let startAttempts = 3

    let options: Options
    private let idle: Idle
    /// How many workers exist, idle or busy.
    private let live = Mutex(0)

    /// How many worker processes the pool has started and not lost.
    var workerCount: Int { live.withLock { $0 } }

    /// Starts no process yet: the first `parse` starts as many as it has pages for.
    package init(_ options: Options) throws {
        // A worker that dies mid-write must not take the parent with it.
        signal(SIGPIPE, SIG_IGN)
        self.options = options
        idle = Idle()
    }

    deinit {
        for worker in idle.drain() { worker.stop() }
    }

    /// Every page through the workers, results in the order of `files`. A page whose worker
    /// dies or takes too long gets `render-limit`, and a fresh worker takes the next page.
    /// Throws when workers keep dying before they are ready, a fault of the set-up, not of a page.
    ///
    /// Each worker is driven by a thread of its own that sends a page, waits for the reply
    /// and sends the next: no task, continuation or timer per page. Those hops were a third of
    /// a core in the parent while two workers parsed 10,000 pages, on a machine whose two
    /// cores the workers needed.
    func parse(_ files: [SourceFile], settings: SiteSettings) async throws -> [PageResult] {
        guard !files.isEmpty else { return [] }
        let wanted = min(options.count, files.count)
        while live.withLock({ $0 }) < wanted {
            idle.put(try Worker(options))
            live.withLock { $0 += 1 }
        }
        let batch = Batch(files: files, settings: settings, options: options)
        let watchdog = batch.startWatchdog()
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<wanted {
                group.addTask {
                    let worker = await self.idle.take()
                    let kept = await withCheckedContinuation { continuation in
                        Thread.detachNewThread { continuation.resume(returning: batch.drive(worker)) }
                    }
                    if let kept {
                        self.idle.put(kept)
                    } else {
                        self.live.withLock { $0 -= 1 }
                    }
                }
            }
        }
        watchdog.cancel()
        if let failure = batch.startFailure { throw failure }
        return batch.results()
    }

    /// The pages of one `parse` call, shared by the threads driving the workers.
    private final class Batch: Sendable {
        let files: [SourceFile]
        let settings: SiteSettings
        let options: Options
        private let next = Mutex(0)
        private let stored: Mutex<[PageResult?]>
        /// The workers now driven, for the watchdog.
        private let driven = Mutex<[ObjectIdentifier: Worker]>([:])
        /// Workers that died before they were ready, in a row, and why the last one did.
        private let startDeaths = Mutex<(count: Int, last: Worker.Failure?)>((0, nil))

        init(files: [SourceFile], settings: SiteSettings, options: Options) {
            self.files = files
            self.settings = settings
            self.options = options
            stored = Mutex([PageResult?](repeating: nil, count: files.count))
        }

        func results() -> [PageResult] { stored.withLock { $0.map { $0! } } }

        /// Why no worker could be started, if one could not.
        private let spawnFailure = Mutex<String?>(nil)

        /// Set once `startAttempts` workers in a row died before they were ready, or one could
        /// not be started at all.
        var startFailure: StartFailure? {
            if let reason = spawnFailure.withLock({ $0 }) {
                return StartFailure(description: "cannot start a worker process: \(reason)")
            }
            let (count, last) = startDeaths.withLock { $0 }
            guard count >= WorkerPool.startAttempts else { return nil }
            return StartFailure(
                description:
                    "\(count) worker processes in a row died as they started (\(last.map(Worker.describe) ?? "no reason given")), before any page reached them; check --worker-memory (now \(options.memoryLimitMB) MiB), or run with --jobs 0"
            )
        }

        private func take() -> Int? {
            if let index = retried.withLock({ $0.popLast() }) { return index }
            return next.withLock { next in
                guard next < files.count else { return nil }
                defer { next += 1 }
                return next
            }
        }

        private func send(_ index: Int, to worker: Worker) -> Bool {
            let file = files[index]
            let header = WorkerProtocol.encode(
                WorkerProtocol.Request(path: file.path, relativePath: file.relativePath, settings: settings))
            return worker.send(header: header, page: file.bytes)
        }

        /// Takes pages until none are left; returns the worker it ends with (a fresh one if
        /// it had to replace the one it was given), or nil when it could not start one.
        func drive(_ first: Worker) -> Worker? {
            var worker = first
            driven.withLock { $0[ObjectIdentifier(worker)] = worker }
            defer { driven.withLock { $0[ObjectIdentifier(worker)] = nil } }
            while startFailure == nil, let index = take() {
                if send(index, to: worker), let reply = worker.receive(),
                    let result = WorkerProtocol.decode(reply, as: PageResult.self)
                {
                    startDeaths.withLock { $0.count = 0 }
                    stored.withLock { $0[index] = result }
                    continue
                }
                let wasReady = worker.isReady
                let failure = worker.stop()
                if wasReady {
                    stored.withLock { $0[index] = WorkerPool.renderLimit(files[index], failure, options: options) }
                } else {
                    // Not the page's fault: it goes to the next worker.
                    startDeaths.withLock { $0 = ($0.count + 1, failure) }
                    retry(index)
                }
                let fresh: Worker
                do {
                    fresh = try Worker(options)
                } catch {
                    spawnFailure.withLock { $0 = $0 ?? "\(error)" }
                    return nil
                }
                driven.withLock {
                    $0[ObjectIdentifier(worker)] = nil
                    $0[ObjectIdentifier(fresh)] = fresh
                }
                worker = fresh
            }
            return worker
        }

        /// Pages whose worker died before it was ready, to be sent again.
        private let retried = Mutex<[Int]>([])

        private func retry(_ index: Int) {
            retried.withLock { $0.append(index) }
        }

        /// Stops any worker busy on one page for longer than the time limit.
        func startWatchdog() -> any DispatchSourceTimer {
            let timer = DispatchSource.makeTimerSource(queue: .global())
            let interval = min(0.05, options.timeoutSeconds / 4)
            timer.schedule(deadline: .now() + interval, repeating: interval)
            timer.setEventHandler { [self] in
                let now = ContinuousClock.now
                for worker in driven.withLock({ Array($0.values) }) {
                    if let since = worker.busySince, now - since > options.timeout { worker.kill(timedOut: true) }
                }
            }
            timer.resume()
            return timer
        }
    }

    /// The page's only diagnostic when its worker did not come back with a result.
    static func renderLimit(_ file: SourceFile, _ failure: Worker.Failure, options: Options) -> PageResult {
        let what: String
        switch failure {
        case .timedOut:
            let seconds = options.timeoutSeconds
            let shown = seconds == seconds.rounded() ? String(Int(seconds)) : String(seconds)
            what = "cmark-gfm took longer than \(shown) s on this page, so its worker was stopped"
        case .died:
            what =
                "the worker process parsing this page \(Worker.describe(failure)): cmark-gfm crashed on it or ran "
                + "past the \(options.memoryLimitMB) MiB memory limit, or the process was killed from outside"
        }
        return PageResult(
            file: file.path, relativePath: file.relativePath, metadata: nil, markdown: nil, links: [],
            diagnostics: [
                Diagnostic(
                    file: file.path, position: .init(line: 1, column: 1), rule: .renderLimit,
                    message: "\(what); the rest of the site was still checked",
                    hint: "look for very large tables, long runs of brackets, emphasis or link definitions")
            ])
    }

    /// Workers not busy with a page, and tasks waiting for one.
    private final class Idle: @unchecked Sendable {
        private let lock = NSLock()
        private var workers: [Worker] = []
        private var waiting: [CheckedContinuation<Worker, Never>] = []

        func put(_ worker: Worker) {
            lock.lock()
            if !waiting.isEmpty {
                let next = waiting.removeFirst()
                lock.unlock()
                next.resume(returning: worker)
            } else {
                workers.append(worker)
                lock.unlock()
            }
        }

        func take() async -> Worker {
            await withCheckedContinuation { continuation in
                lock.lock()
                if let worker = workers.popLast() {
                    lock.unlock()
                    continuation.resume(returning: worker)
                } else {
                    waiting.append(continuation)
                    lock.unlock()
                }
            }
        }

        func drain() -> [Worker] {
            lock.withLock {
                defer { workers = [] }
                return workers
            }
        }
    }
}

/// One `sourced worker` process and its pipes.
final class Worker: @unchecked Sendable {
    private let process = Process()
    private let input = Pipe()
    private let output = Pipe()

    init(_ options: WorkerPool.Options) throws {
        process.executableURL = URL(fileURLWithPath: options.executable)
        process.arguments = ["worker", "--memory-limit-mb", String(options.memoryLimitMB)]
        // Swift's crash reporter would outlive a crashed worker holding its pipes open (for
        // half an hour, 150 MB each), and the reply would never end.
        var environment = ProcessInfo.processInfo.environment
        environment["SWIFT_BACKTRACE"] = "enable=no"
        process.environment = environment
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
    }

    /// Whether the process said it is ready (its limits set), which it does before it reads
    /// a page: a worker that dies before that did not die of a page. Used by the one thread
    /// that drives it.
    private(set) var isReady = false

    /// Sends one page; false when the worker is gone. The time limit runs from here.
    func send(header: [UInt8], page: [UInt8]) -> Bool {
        lock.withLock { busy = .now }
        return WorkerProtocol.writeFrames(input.fileHandleForWriting.fileDescriptor, header, page)
    }

    /// The reply to the page sent; nil when the worker died on it. It ends at the end of the
    /// pipe or when the process is gone, whichever comes first (another process may hold the
    /// pipe open).
    func receive() -> [UInt8]? {
        defer { lock.withLock { busy = nil } }
        let descriptor = output.fileHandleForReading.fileDescriptor
        let alive = { [process] in process.isRunning }
        if !isReady {
            guard WorkerProtocol.readFrame(descriptor, limit: 0, alive: alive) != nil else { return nil }
            isReady = true
        }
        return WorkerProtocol.readFrame(descriptor, alive: alive)
    }

    /// When the page it is on was sent; nil between pages.
    var busySince: ContinuousClock.Instant? { lock.withLock { busy } }

    enum Failure: Equatable {
        case timedOut
        /// The signal that ended it, if one did, else its exit status.
        case died(signal: Int32?, status: Int32 = 0)
    }

    /// "died of signal 11 (SIGSEGV)", "exited with status 2", "took too long".
    static func describe(_ failure: Failure) -> String {
        switch failure {
        case .timedOut: return "took too long"
        case .died(let signal?, _):
            let name = strsignal(signal).map { String(cString: $0) } ?? "signal \(signal)"
            return "died of signal \(signal) (\(name))"
        case .died(nil, let status): return "exited with status \(status)"
        }
    }

    private let lock = NSLock()
    private var timedOut = false
    private var busy: ContinuousClock.Instant?

    func kill(timedOut: Bool = false) {
        lock.withLock { self.timedOut = self.timedOut || timedOut }
        if process.isRunning { Glibc.kill(process.processIdentifier, SIGKILL) }
    }

    /// Ends the process and says why it had to go.
    @discardableResult
    func stop() -> Failure {
        try? input.fileHandleForWriting.close()
        kill()
        process.waitUntilExit()
        if lock.withLock({ timedOut }) { return .timedOut }
        return process.terminationReason == .uncaughtSignal
            ? .died(signal: process.terminationStatus) : .died(signal: nil, status: process.terminationStatus)
    }
}
