import Foundation
import SourcedCore

/// What `approve` did.
package struct ApprovalOutcome: Sendable {
    /// The page's own diagnostics; any error means nothing was written.
    package var diagnostics: [Diagnostic]
    package var approved: Bool
    package var fingerprint: String?
}

extension Pipeline {
    /// Records a completed review of one page (SPEC §5): checks the whole site, refuses a page
    /// with errors, then rewrites only the review lines of its front matter. The site is
    /// parsed as `check` parses it: in `workers` when given (so a hostile page elsewhere gets
    /// `render-limit` instead of stopping the approval), and from `store` where it can.
    package static func approve(
        page: String, reviewer: String, content: String, today: Day, workers: WorkerPool? = nil,
        store: ResultStore? = nil
    ) async throws -> ApprovalOutcome {
        var cache = PageCache()
        let (site, outcome) = try await assembleAndCheck(
            content: content, today: today, cache: &cache, workers: workers, store: store)
        let wanted = normalisedPath(page)
        let own = outcome.diagnostics.filter { normalisedPath($0.file) == wanted }
        guard let target = site.pages.first(where: { normalisedPath($0.file) == wanted }) else {
            if site.unreadable.contains(where: { normalisedPath($0.file) == wanted }) {
                return ApprovalOutcome(diagnostics: own, approved: false, fingerprint: nil)
            }
            throw StageFailure(.review, path: page, reason: "'\(page)' is not a topic page in '\(content)'")
        }
        guard target.metadata.isTopic else {
            throw StageFailure(
                .review, path: page, reason: "'\(page)' is a plain page (kind: page), which has no review to approve")
        }
        guard own.errorCount == 0 else {
            return ApprovalOutcome(diagnostics: own, approved: false, fingerprint: nil)
        }
        // The edit is made from the bytes the check read, and goes in only while the file still
        // holds them: a save since then is never overwritten, nor approved unread.
        guard let checked = cache.tree?.tree.pages.first(where: { $0.path == target.file })?.bytes else {
            throw StageFailure(.review, path: target.file, reason: "cannot read '\(target.file)'")
        }
        let data = Data(checked)
        let edited = try stage(.review, target.file) {
            var editor = try FrontMatterEditor(Array(data))
            try editor.approve(reviewer: reviewer, date: today, fingerprint: target.fingerprint)
            return editor.bytes
        }
        guard try writeReplacing(target.file, Data(edited), ifStill: checked) else {
            throw StageFailure(
                .review, path: target.file,
                reason:
                    "'\(target.file)' changed while it was being checked (saved in an editor?); nothing was written: run approve again to review what it holds now"
            )
        }
        let remaining = own.filter { $0.rule != .changedSinceApproval && $0.rule != .reviewOverdue }
        return ApprovalOutcome(diagnostics: remaining, approved: true, fingerprint: target.fingerprint)
    }

    /// `./Content//a.md` and `Content/a.md` name the same file.
    package static func normalisedPath(_ path: String) -> String {
        path.split(separator: "/", omittingEmptySubsequences: true).filter { $0 != "." }.joined(separator: "/")
    }

    /// Writes beside the file and swaps it in, so a crash never leaves half a page; false when
    /// the file no longer holds `expected`.
    private static func writeReplacing(_ path: String, _ data: Data, ifStill expected: [UInt8]) throws -> Bool {
        do {
            return try AtomicFile.replace(path, bytes: Array(data), ifStill: expected, keepsPermissions: true)
        } catch {
            throw StageFailure(.review, path: path, reason: "cannot replace '\(path)': \(error.reason)")
        }
    }
}
