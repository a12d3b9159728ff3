import CCMarkGFM
import SourcedCore
import Synchronization

/// Parses a page body once with cmark-gfm, records what the checks need, and renders HTML.
///
/// This is the only place that touches cmark-gfm. Every C pointer is created and freed
/// inside `render`; callers see only `RenderedMarkdown`.
package enum MarkdownRenderer {
    /// `cmark_parser_finish` toggles a process-wide character table (CMARK-GFM.md), so
    /// pages are parsed one at a time; rendering a finished tree is safe in parallel.
    private static let parseLock = Mutex(())

    private static let registered: Bool = {
        cmark_gfm_core_extensions_ensure_registered()
        return true
    }()

    private static let extensionNames = ["table", "strikethrough", "autolink", "tagfilter", "tasklist"]

    /// The version of the cmark-gfm library this process runs with (Debian's, linked
    /// dynamically: an upgrade changes it without rebuilding `sourced`).
    package static var libraryVersion: String { String(cString: cmark_version_string()) }

    /// Renders a page body.
    /// - Parameters:
    ///   - body: the Markdown after the front matter.
    ///   - lineOffset: how many file lines precede the body (the front matter's).
    ///   - audiences: the audiences the page is written for (`::: audience` blocks), the first
    ///     the one `html` is for.
    ///   - rewriteURL: the URL to emit for each link or image destination.
    package static func render(
        body: [UInt8],
        lineOffset: Int,
        audiences: [String] = [],
        rewriteURL: (_ destination: String, _ isImage: Bool) -> String
    ) -> RenderedMarkdown {
        precondition(registered)
        let parser = cmark_parser_new(CMARK_OPT_FOOTNOTES)!
        defer { cmark_parser_free(parser) }
        for name in extensionNames {
            if let ext = cmark_find_syntax_extension(name) {
                cmark_parser_attach_syntax_extension(parser, ext)
            }
        }
        body.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                if let base = chars.baseAddress { cmark_parser_feed(parser, base, chars.count) }
            }
        }
        let root = parseLock.withLock { _ in UnsafeSendable(cmark_parser_finish(parser)!) }.value
        defer { cmark_node_free(root) }

        let source = SourceLines(body, lineOffset: lineOffset)
        let fences = AudienceFences(root: root, source: source, audiences: audiences)
        // The walker must not outlive this call: it keeps only the facts, not the closure.
        var facts = withoutActuallyEscaping(rewriteURL) { rewriteURL in
            var walker = TreeWalker(source: source, rewriteURL: rewriteURL)
            walker.walk(root)
            walker.placeCitationsAfterLinks()
            walker.replaceHeadings()
            return walker.facts
        }
        facts.audienceBlocks = fences.blocks
        facts.audienceProblems = fences.problems + facts.audienceProblems

        let extensions = cmark_parser_get_syntax_extensions(parser)
        func html() -> String {
            let cHTML = cmark_render_html(root, CMARK_OPT_FOOTNOTES, extensions)!
            defer { free(cHTML) }
            return String(cString: cHTML)
        }
        guard !fences.blocks.isEmpty else {
            facts.html = html()
            return facts
        }
        // One rendering per audience, of the tree with only the blocks for it: the walk left the
        // top-level blocks in their order (a heading's replacement takes its place).
        var nodes: [OpaquePointer] = []
        var node = cmark_node_first_child(root)
        while let current = node {
            nodes.append(current)
            node = cmark_node_next(current)
        }
        let owners = nodes.count == fences.audienceOfNode.count ? fences.audienceOfNode : nodes.map { _ in nil }
        var variants: [String] = []
        for audience in audiences.isEmpty ? [nil] : audiences.map(Optional.some) {
            for node in nodes { cmark_node_unlink(node) }
            for (node, owner) in zip(nodes, owners) where owner == nil || owner == audience {
                cmark_node_append_child(root, node)
            }
            variants.append(html())
        }
        // Every block back in the tree, for the tree's one free.
        for node in nodes { cmark_node_unlink(node) }
        for node in nodes { cmark_node_append_child(root, node) }
        facts.html = variants[0]
        facts.variantHTML = Array(variants.dropFirst())
        return facts
    }
}

/// Carries a pointer out of the lock's closure; it never leaves this thread.
private struct UnsafeSendable<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
