import ArgumentParser
import SourcedBuild

/// The per-page worker the pool starts; not for people.
struct Worker: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Parse pages sent on standard input (used by --jobs).", shouldDisplay: false)

    @Option var memoryLimitMB = 2048

    func run() {
        Pipeline.runWorker(memoryLimitMB: memoryLimitMB)
    }
}
