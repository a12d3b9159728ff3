import ArgumentParser
import Foundation
import SourcedBuild
import SourcedCore

struct Build: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check the content, then render the whole site into the output folder.")

    @OptionGroup var options: CommonOptions
    @OptionGroup var cacheOptions: CacheOptions

    @Option(help: "Folder to write the site to; replaced as a whole at the end of a successful build.")
    var output = "Public"

    @Flag(help: "Print only warnings and errors: no progress, no summary line.")
    var quiet = false

    func run() async throws {
        let today = try options.today()
        let start = ContinuousClock.now
        let outcome: BuildOutcome
        let store = cacheOptions.store(content: options.content, writes: true)
        let terminal = Terminal()
        let progress = ProgressLine("building \(output)/", enabled: !quiet && terminal.showsProgress)
        do {
            outcome = try await Pipeline.build(
                content: options.content, templates: options.templates, output: output, today: today,
                workers: try options.workerPool(), store: store)
        } catch {
            await progress.finish()
            throw fail(error)
        }
        await progress.finish()
        keepUntilExit(outcome.check.made)
        warnIfUnsaved(outcome.check)
        for warning in outcome.outputWarnings {
            FileHandle.standardError.write(Data("sourced: warning: \(warning)\n".utf8))
        }
        let diagnostics = outcome.check.diagnostics
        for diagnostic in diagnostics {
            FileHandle.standardError.write(
                Data((DiagnosticReport.line(diagnostic, colour: terminal.colour(2)) + "\n").utf8))
        }
        guard outcome.wrote else {
            let summary = DiagnosticReport.summary(diagnostics, pages: outcome.check.pageCount)
            FileHandle.standardError.write(Data("\(summary); '\(output)' left unchanged\n".utf8))
            throw ExitCode(1)
        }
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        if quiet { return }
        let kept = outcome.keptCount > 0 ? " (\(outcome.keptCount) unchanged, kept as they were)" : ""
        print(
            "Built \(outcome.publishedCount) of \(outcome.check.pageCount) pages\(kept), \(outcome.sourceCount) sources, "
                + "\(diagnostics.warningCount) warning\(diagnostics.warningCount == 1 ? "" : "s") in \(String(format: "%.2f", seconds)) s → \(output)/"
        )
    }
}
