import Foundation
import SourcedCore
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Worker processes that do the per-page work, so one hostile page can neither corrupt
/// another (cmark-gfm's parser is not thread-safe) nor take the whole run down: a worker that
/// dies or overruns its time on a page is replaced, and that page gets `render-limit`.
public final class WorkerPool: Sendable {
    public struct Options: Sendable {
        /// The `sourced` executable, started as `sourced worker`.
        public var executable: String
        public var count: Int
        public var memoryLimitMB: Int
        public var timeout: Duration

        /// `timeout` in seconds, for timers and messages.
        var timeoutSeconds: Double {
            Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
        }

        public init(executable: String, count: Int, memoryLimitMB: Int = 2048, timeout: Duration = .seconds(10)) {
            self.executable = executable
            self.count = max(1, count)
            self.memoryLimitMB = memoryLimitMB
            self.timeout = timeout
        }
    }

    let options: Options
    private let idle: Idle

    public init(_ options: Options) throws {
        // A worker that dies mid-write must not take the parent with it.
        signal(SIGPIPE, SIG_IGN)
        self.options = options
        idle = Idle()
        for _ in 0..<options.count { idle.put(try Worker(options)) }
    }

    deinit {
        for worker in idle.drain() { worker.stop() }
    }

    /// Every page through the workers, results in the order of `files`. A page whose worker
    /// dies or takes too long gets `render-limit`, and a fresh worker takes the next page.
    ///
    /// Each worker is driven by a thread of its own that sends a page, waits for the reply
    /// and sends the next: no task, continuation or timer per page. Those hops were a third of
    /// a core in the parent while two workers parsed 10,000 pages, on a machine whose two
    /// cores the workers needed.
    func parse(_ files: [SourceFile], settings: SiteSettings) async -> [PageResult] {
        guard !files.isEmpty else { return [] }
        let batch = Batch(files: files, settings: settings, options: options)
        let watchdog = batch.startWatchdog()
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<min(options.count, files.count) {
                group.addTask {
                    let worker = await self.idle.take()
                    let kept = await withCheckedContinuation { continuation in
                        Thread.detachNewThread { continuation.resume(returning: batch.drive(worker)) }
                    }
                    self.idle.put(kept)
                }
            }
        }
        watchdog.cancel()
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

        init(files: [SourceFile], settings: SiteSettings, options: Options) {
            self.files = files
            self.settings = settings
            self.options = options
            stored = Mutex([PageResult?](repeating: nil, count: files.count))
        }

        func results() -> [PageResult] { stored.withLock { $0.map { $0! } } }

        private func take() -> Int? {
            next.withLock { next in
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
        /// it had to replace the one it was given).
        func drive(_ first: Worker) -> Worker {
            var worker = first
            driven.withLock { $0[ObjectIdentifier(worker)] = worker }
            defer { driven.withLock { $0[ObjectIdentifier(worker)] = nil } }
            while let index = take() {
                if send(index, to: worker), let reply = worker.receive(),
                    let result = WorkerProtocol.decode(reply, as: PageResult.self)
                {
                    stored.withLock { $0[index] = result }
                    continue
                }
                let failure = worker.stop()
                stored.withLock { $0[index] = WorkerPool.renderLimit(files[index], failure, options: options) }
                if let fresh = try? Worker(options) {
                    driven.withLock {
                        $0[ObjectIdentifier(worker)] = nil
                        $0[ObjectIdentifier(fresh)] = fresh
                    }
                    worker = fresh
                }
            }
            return worker
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
        let seconds = options.timeoutSeconds
        let what: String
        switch failure {
        case .timedOut:
            let shown = seconds == seconds.rounded() ? String(Int(seconds)) : String(seconds)
            what = "took longer than \(shown) s on this page, so its worker was stopped"
        case .died(let signal):
            what =
                "crashed on this page\(signal.map { " (signal \($0))" } ?? "") or ran past its "
                + "\(options.memoryLimitMB) MiB memory limit"
        }
        return PageResult(
            file: file.path, relativePath: file.relativePath, metadata: nil, markdown: nil, links: [],
            diagnostics: [
                Diagnostic(
                    file: file.path, position: .init(line: 1, column: 1), rule: .renderLimit,
                    message: "cmark-gfm \(what); the rest of the site was still checked",
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
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
    }

    /// Sends one page; false when the worker is gone. The time limit runs from here.
    func send(header: [UInt8], page: [UInt8]) -> Bool {
        lock.withLock { busy = .now }
        return WorkerProtocol.writeFrames(input.fileHandleForWriting.fileDescriptor, header, page)
    }

    /// The reply to the page sent; nil when the worker died on it.
    func receive() -> [UInt8]? {
        defer { lock.withLock { busy = nil } }
        return WorkerProtocol.readFrame(output.fileHandleForReading.fileDescriptor)
    }

    /// When the page it is on was sent; nil between pages.
    var busySince: ContinuousClock.Instant? { lock.withLock { busy } }

    enum Failure: Equatable {
        case timedOut
        /// The signal that ended it, if one did.
        case died(signal: Int32?)
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
        return .died(signal: process.terminationReason == .uncaughtSignal ? process.terminationStatus : nil)
    }
}
