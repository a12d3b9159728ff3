import Foundation
import SourcedCore

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

    /// One page through a worker; `render-limit` if the worker dies or takes too long.
    func parse(_ file: SourceFile, settings: SiteSettings) async -> PageResult {
        let worker = await idle.take()
        let header = WorkerProtocol.encode(
            WorkerProtocol.Request(path: file.path, relativePath: file.relativePath, settings: settings))
        let seconds = options.timeoutSeconds
        let reply: PageResult? = await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                let watchdog = DispatchWorkItem { worker.kill(timedOut: true) }
                DispatchQueue.global().asyncAfter(deadline: .now() + seconds, execute: watchdog)
                let result = worker.call(header: header, page: file.bytes)
                watchdog.cancel()
                continuation.resume(returning: result)
            }
        }
        if let reply {
            idle.put(worker)
            return reply
        }
        let failure = worker.stop()
        if let fresh = try? Worker(options) { idle.put(fresh) } else { idle.put(worker) }
        return Self.renderLimit(file, failure, options: options)
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

    /// Sends one page and waits for its result; nil when the worker died on it.
    func call(header: [UInt8], page: [UInt8]) -> PageResult? {
        guard WorkerProtocol.writeFrames(input.fileHandleForWriting.fileDescriptor, header, page),
            let reply = WorkerProtocol.readFrame(output.fileHandleForReading.fileDescriptor)
        else { return nil }
        return WorkerProtocol.decode(reply, as: PageResult.self)
    }

    enum Failure: Equatable {
        case timedOut
        /// The signal that ended it, if one did.
        case died(signal: Int32?)
    }

    private let lock = NSLock()
    private var timedOut = false

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
