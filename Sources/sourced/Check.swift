import ArgumentParser
import Foundation
import SourcedBuild
import SourcedCore

extension DiagnosticFormat: ExpressibleByArgument {}

struct Check: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check the content and report every problem; writes nothing.")

    @OptionGroup var options: CommonOptions
    @OptionGroup var cacheOptions: CacheOptions

    @Option(help: "Report format: text, json, github or sarif.")
    var format: DiagnosticFormat = .text

    @Flag(help: "Fail on warnings too.")
    var strict = false

    @Flag(help: "Print only the diagnostics: no summary line (text format).")
    var quiet = false

    @Argument(help: "Report only these pages' diagnostics (the whole site is still checked).")
    var pages: [String] = []

    /// A page that names no page file would report nothing and pass: a CI job checking a
    /// renamed page would never notice (issue #17 item 3).
    func validate() throws {
        let content = Pipeline.normalisedPath(options.content)
        for page in pages {
            let path = Pipeline.normalisedPath(page)
            var isFolder: ObjCBool = false
            guard content.isEmpty || path.hasPrefix(content + "/"), path.hasSuffix(".md"),
                FileManager.default.fileExists(atPath: page, isDirectory: &isFolder), !isFolder.boolValue
            else {
                throw ValidationError(
                    "'\(page)' matches no page in '\(options.content)'; give a page's path as diagnostics print it, such as \(options.content)/topics/a.md"
                )
            }
        }
    }

    func run() async throws {
        let outcome: CheckOutcome
        // check writes nothing unless told where (SPEC §5).
        let store = cacheOptions.store(content: options.content, writes: cacheOptions.cache != nil)
        do {
            outcome = try await Pipeline.check(
                content: options.content, today: try options.today(), workers: try options.workerPool(),
                store: store)
        } catch let error as ValidationError {
            throw error
        } catch {
            throw fail(error)
        }
        keepUntilExit(outcome.made)
        var diagnostics = outcome.diagnostics
        if !pages.isEmpty {
            let wanted = Set(pages.map(Pipeline.normalisedPath))
            diagnostics = diagnostics.filter { wanted.contains(Pipeline.normalisedPath($0.file)) }
        }
        let style = DiagnosticReport.Style(colour: Terminal().colour(1), summary: !quiet)
        print(
            DiagnosticReport.render(diagnostics, pages: outcome.pageCount, format: format, style: style),
            terminator: "")
        warnIfUnsaved(outcome)
        if diagnostics.errorCount > 0 || (strict && diagnostics.warningCount > 0) {
            throw ExitCode(1)
        }
    }
}
