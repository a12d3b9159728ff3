import ArgumentParser
import Foundation
import SourcedBuild
import SourcedCore

@main
struct Sourced: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Build and check a knowledge base whose every claim cites a listed source.",
        version: Pipeline.versionLine,
        subcommands: [Build.self, Check.self, Serve.self, Approve.self, New.self, Worker.self]
    )

    /// Runs the command. A command-line mistake is reported on one line of standard error
    /// (SPEC §5), with the exit status argument-parser gives it; `--help` prints in full.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var command = command as? AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                print(fullMessage(for: error))
            } else if !(error is ExitCode) {
                let line = message(for: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
                FileHandle.standardError.write(
                    Data("sourced: error: \(line) (see 'sourced --help')\n".utf8))
            }
            Foundation.exit(code.rawValue)
        }
    }
}

/// Options every command takes.
struct CommonOptions: ParsableArguments {
    @Option(help: "Folder of topic pages, site.yaml and bibliography.yaml.")
    var content = "Content"

    @Option(help: "Folder of Mustache templates and assets/.")
    var templates = "Templates"

    @Option(help: "The day used for review ageing and the feed (YYYY-MM-DD). Default: SOURCE_DATE_EPOCH, else today.")
    var date: String?

    @Option(
        help: """
            Parse pages in this many worker processes, each limited in memory and time, so a \
            hostile page gets a render-limit error instead of stopping the run. Default: one per \
            core; never more than there are pages, nor than four per core. 0: in this process, \
            unprotected.
            """)
    var jobs: Int?

    @Option(help: "Seconds a worker may spend on one page before it gets render-limit.")
    var pageTimeout = 10.0

    @Option(help: "Address-space limit of each worker process, in MiB (64 to 1048576).")
    var workerMemory = 2048

    /// The worker pool `--jobs` asks for, if any.
    func workerPool() throws -> WorkerPool? {
        let count = jobs ?? ProcessInfo.processInfo.activeProcessorCount
        guard count >= 0 else { throw ValidationError("--jobs must be 0 or more") }
        guard pageTimeout > 0, pageTimeout <= 3600 else {
            throw ValidationError("--page-timeout must be between 0 and 3600 seconds")
        }
        guard (64...1_048_576).contains(workerMemory) else {
            throw ValidationError("--worker-memory must be from 64 to 1048576 (MiB)")
        }
        guard count > 0 else { return nil }
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
        return try WorkerPool(
            .init(
                executable: executable, count: count, memoryLimitMB: workerMemory,
                timeout: .milliseconds(Int(pageTimeout * 1000))))
    }

    func today() throws -> Day {
        if let date {
            guard let day = Day(date) else { throw ValidationError("--date must be YYYY-MM-DD, not '\(date)'") }
            return day
        }
        let seconds: Int
        if let epoch = ProcessInfo.processInfo.environment["SOURCE_DATE_EPOCH"] {
            guard let value = Int(epoch) else { throw ValidationError("SOURCE_DATE_EPOCH must be a number of seconds") }
            seconds = value
        } else {
            seconds = Int(Date().timeIntervalSince1970)
        }
        // Whole days, rounded down (before 1970 too); Int.min / 86_400 cannot overflow.
        let days = seconds / 86_400 - (seconds % 86_400 < 0 ? 1 : 0)
        guard Day.supportedDays.contains(days) else {
            throw ValidationError("SOURCE_DATE_EPOCH must be a time in the years 1 to 9999, not \(seconds)")
        }
        return Day(daysSinceEpoch: days)
    }
}

/// Where `build`, `check` and `serve` find page results from earlier runs.
struct CacheOptions: ParsableArguments {
    @Option(
        help: """
            Folder of the page-result cache (default: .sourced-cache beside the content folder). \
            build updates it; check, approve and serve read it, and check and approve update it only when this \
            option is given.
            """)
    var cache: String?

    @Flag(help: "Parse every page afresh: neither read nor write the cache.")
    var noCache = false

    func validate() throws {
        if noCache, cache != nil { throw ValidationError("--cache and --no-cache cannot be used together") }
    }

    /// The cache folder for content in `content`; nil with `--no-cache`.
    func directory(content: String) -> String? {
        noCache ? nil : cache ?? ResultStore.defaultDirectory(content: content)
    }

    /// The store to use for content in `content`, if any.
    func store(content: String, writes: Bool) -> ResultStore? {
        directory(content: content).map {
            ResultStore(directory: $0, writes: writes)
        }
    }
}

/// Prints the one-line warning for a cache that could not be saved, if there was one.
func warnIfUnsaved(_ outcome: CheckOutcome) {
    guard let problem = outcome.cacheProblem else { return }
    FileHandle.standardError.write(Data("sourced: warning: \(problem)\n".utf8))
}

/// Prints a one-line failure that is not the content's fault and exits with status 2.
func fail(_ error: Error) -> ExitCode {
    FileHandle.standardError.write(Data("sourced: error: \(error)\n".utf8))
    return ExitCode(2)
}

/// Holds what a run made for the rest of the process: the exit drops it at once, where freeing
/// it object by object took about 0.1 s of a 10,000-page check.
func keepUntilExit(_ made: Made) {
    final class Kept {
        let made: Made
        init(_ made: Made) { self.made = made }
    }
    _ = Unmanaged.passRetained(Kept(made))
}
