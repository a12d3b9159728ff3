import ArgumentParser
import Foundation
import SourcedBuild
import SourcedCore

struct Approve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Record a completed review of one page, tied to its current content and sources.")

    @OptionGroup var options: CommonOptions
    @OptionGroup var cacheOptions: CacheOptions

    @Argument(help: "The page to approve, e.g. Content/topics/hyponatremia.md.")
    var page: String

    @Option(help: "Who reviewed it; added to review.reviewers.")
    var reviewer: String

    func validate() throws {
        guard !reviewer.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw ValidationError("--reviewer must name someone")
        }
    }

    func run() async throws {
        let today = try options.today()
        let outcome: ApprovalOutcome
        do {
            // Like check, it writes no cache unless told where.
            outcome = try await Pipeline.approve(
                page: page, reviewer: reviewer, content: options.content, today: today,
                workers: try options.workerPool(),
                store: cacheOptions.store(content: options.content, writes: cacheOptions.cache != nil))
        } catch let error as ValidationError {
            throw error
        } catch {
            throw fail(error)
        }
        for diagnostic in outcome.diagnostics {
            FileHandle.standardError.write(Data((DiagnosticReport.line(diagnostic) + "\n").utf8))
        }
        guard outcome.approved, let fingerprint = outcome.fingerprint else {
            FileHandle.standardError.write(Data("not approved: '\(page)' has errors; the file is unchanged\n".utf8))
            throw ExitCode(1)
        }
        print("Approved \(page) by \(reviewer) on \(today) (\(fingerprint.prefix(19))…)")
    }
}
