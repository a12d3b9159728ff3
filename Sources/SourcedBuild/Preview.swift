import Foundation
import SourcedCore

/// A whole site built in memory, for the preview server.
public struct SiteSnapshot: Sendable {
    public enum File: Sendable {
        case bytes([UInt8])
        /// A file copied as-is (an asset or attachment), read when served.
        case copy(String)
    }

    /// Output path (`topics/x/index.html`) → content.
    public var files: [String: File]
    public var diagnostics: [Diagnostic]
    public var pageCount: Int
    /// The path every site URL starts with (from `base_url`).
    public var rootPath: String
    /// A failure that is not the content's (a template that does not compile, say).
    public var failure: String?

    public var hasErrors: Bool { failure != nil || diagnostics.errorCount > 0 }

    public init(
        files: [String: File], diagnostics: [Diagnostic], pageCount: Int, rootPath: String, failure: String? = nil
    ) {
        self.files = files
        self.diagnostics = diagnostics
        self.pageCount = pageCount
        self.rootPath = rootPath
        self.failure = failure
    }
}

extension Pipeline {
    /// Builds the site in memory with every page, whatever `publish.statuses` says; pages
    /// that `build` would leave out carry an "unpublished" notice. Never touches the disk.
    public static func preview(content: String, templates: String, today: Day) async -> SiteSnapshot {
        do {
            let templateSet = try TemplateSet(directory: templates)
            let (site, outcome) = try await assembleAndCheck(content: content, today: today)
            var snapshot = SiteSnapshot(
                files: [:], diagnostics: outcome.diagnostics, pageCount: outcome.pageCount,
                rootPath: site.settings.rootPath)
            guard outcome.diagnostics.errorCount == 0 else { return snapshot }
            let files = try await SiteRenderer.render(
                site, diagnostics: outcome.diagnostics, templates: templateSet, contentDirectory: content,
                includeUnpublished: true)
            for file in files {
                switch file.content {
                case .bytes(let bytes): snapshot.files[file.path] = .bytes(bytes)
                case .copy(let source): snapshot.files[file.path] = .copy(source)
                }
            }
            return snapshot
        } catch {
            return SiteSnapshot(files: [:], diagnostics: [], pageCount: 0, rootPath: "/", failure: "\(error)")
        }
    }
}
