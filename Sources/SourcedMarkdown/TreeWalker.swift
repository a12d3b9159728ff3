import CCMarkGFM
import SourcedCore

/// One pass over a parsed cmark tree: records headings, links, citation groups and claims
/// with their file positions, and replaces each citation group by its placeholder.
struct TreeWalker {
    let source: SourceLines
    let rewriteURL: (String, Bool) -> String

    private(set) var headings: [Heading] = []
    private(set) var links: [Link] = []
    private(set) var citationGroups: [CitationGroup] = []
    private(set) var claims: [Claim] = []
    /// Audience fences where none may stand (inside a list or a quote).
    private(set) var audienceProblems: [AudienceProblem] = []
    private(set) var grades: [GradeTag] = []
    /// Per body line, where the next search for a grade tag may start.
    private var gradeCursor: [Int: Int] = [:]

    private var anchors = HeadingAnchors()
    private var headingNodes: [(node: OpaquePointer, level: Int, anchor: String)] = []
    /// Open heading: its text so far, level and position.
    private var openHeading: (text: String, level: Int, position: TextPosition)?
    /// Headings above the current block, outermost first.
    private var sectionPath: [(level: Int, text: String)] = []
    private var currentClaim: Int?
    private var claimOfItem: [OpaquePointer: Int] = [:]
    /// Per body line, where the next search for a citation may start (several on one line).
    private var searchCursor: [Int: Int] = [:]
    private var currentBlockLine = 1
    /// Links and images the walk is inside, innermost last.
    private var openLinks: [(node: OpaquePointer, isImage: Bool)] = []
    /// Citation markers found in a link's text, each to go right after the outermost link:
    /// a citation's own `<a>` cannot sit inside another.
    private var markersAfterLinks: [(link: OpaquePointer, markers: String)] = []

    var facts: RenderedMarkdown {
        var facts = RenderedMarkdown(
            html: "", headings: headings, links: links, citationGroups: citationGroups, claims: claims)
        facts.audienceProblems = audienceProblems
        facts.grades = grades
        return facts
    }

    init(source: SourceLines, rewriteURL: @escaping (String, Bool) -> String) {
        self.source = source
        self.rewriteURL = rewriteURL
    }

    mutating func walk(_ root: OpaquePointer) {
        let iterator = cmark_iter_new(root)!
        defer { cmark_iter_free(iterator) }
        while true {
            let event = cmark_iter_next(iterator)
            if event == CMARK_EVENT_DONE { break }
            let node = cmark_iter_get_node(iterator)!
            visit(node, entering: event == CMARK_EVENT_ENTER)
        }
    }

    private mutating func visit(_ node: OpaquePointer, entering: Bool) {
        let type = cmark_node_get_type(node)
        switch type {
        case CMARK_NODE_HEADING:
            entering ? enterHeading(node) : exitHeading(node)
        case CMARK_NODE_PARAGRAPH:
            if entering { enterParagraph(node) } else { currentClaim = nil }
        case CMARK_NODE_TABLE_ROW:
            if entering { enterTableRow(node) } else { currentClaim = nil }
        case CMARK_NODE_TEXT:
            visitText(node)
        case CMARK_NODE_CODE:
            appendText(literal(node))
        case CMARK_NODE_SOFTBREAK, CMARK_NODE_LINEBREAK:
            appendText(" ")
        case CMARK_NODE_LINK, CMARK_NODE_IMAGE:
            if entering {
                visitLink(node, isImage: type == CMARK_NODE_IMAGE)
                openLinks.append((node, type == CMARK_NODE_IMAGE))
            } else {
                openLinks.removeLast()
            }
        case CMARK_NODE_TABLE_CELL:
            // Cells of a row are one claim: "a b", not "ab".
            if entering, cmark_node_previous(node) != nil { appendText(" ") }
        default:
            break
        }
    }

    // MARK: Blocks

    private mutating func enterHeading(_ node: OpaquePointer) {
        let level = Int(cmark_node_get_heading_level(node))
        openHeading = ("", level, blockPosition(node))
    }

    private mutating func exitHeading(_ node: OpaquePointer) {
        guard let open = openHeading else { return }
        openHeading = nil
        let text = open.text.trimmingCharacters(in: " \t")
        let anchor = anchors.anchor(for: text)
        headings.append(Heading(level: open.level, text: text, anchor: anchor, position: open.position))
        headingNodes.append((node, open.level, anchor))
        while let last = sectionPath.last, last.level >= open.level { sectionPath.removeLast() }
        sectionPath.append((open.level, text))
    }

    private mutating func enterParagraph(_ node: OpaquePointer) {
        let position = blockPosition(node)
        let parent = cmark_node_parent(node)
        if let parent, cmark_node_get_type(parent) != CMARK_NODE_DOCUMENT,
            let problem = AudienceFences.nestedProblem(node, source: source)
        {
            audienceProblems.append(problem)
        }
        if let parent, cmark_node_get_type(parent) == CMARK_NODE_ITEM {
            if let existing = claimOfItem[parent] {
                currentClaim = existing
                appendText(" ")
                return
            }
            currentClaim = addClaim(.listItem, at: position)
            claimOfItem[parent] = currentClaim
        } else {
            currentClaim = addClaim(.paragraph, at: position)
        }
    }

    private mutating func enterTableRow(_ node: OpaquePointer) {
        if cmark_gfm_extensions_get_table_row_is_header(node) != 0 {
            currentClaim = nil
        } else {
            currentClaim = addClaim(.tableRow, at: blockPosition(node))
        }
    }

    private mutating func addClaim(_ kind: Claim.Kind, at position: TextPosition) -> Int {
        claims.append(
            Claim(
                kind: kind, text: "", isCited: false, position: position,
                sections: sectionPath.map(\.text)))
        return claims.count - 1
    }

    private mutating func blockPosition(_ node: OpaquePointer) -> TextPosition {
        let line = Int(cmark_node_get_start_line(node))
        let column = Int(cmark_node_get_start_column(node))
        if line > 0 { currentBlockLine = line }
        return source.position(cmarkLine: max(line, 1), byteIndex: column - 1)
    }

    // MARK: Inlines

    private mutating func appendText(_ text: String) {
        if openHeading != nil {
            openHeading!.text += text
        } else if let index = currentClaim {
            claims[index].text += text
        }
    }

    private mutating func visitText(_ node: OpaquePointer) {
        let original = literal(node)
        var text = CitationPlaceholder.stripMarkers(original)
        // A grade tag in link text or an image's description is text.
        let graded = openLinks.isEmpty && GradeScanner.mayHold(text)
        if graded { text = markGrades(text, node) }
        // An image's description is its alt text: plain text, where a citation is only text.
        let matches = openLinks.contains(where: \.isImage) ? [] : CitationScanner.scan(Array(text.utf8))
        guard !matches.isEmpty else {
            appendText(graded ? CitationPlaceholder.stripMarkers(text) : text)
            if text != original { cmark_node_set_literal(node, text) }
            return
        }
        let bytes = Array(text.utf8)
        var line = Int(cmark_node_get_start_line(node))
        if line == 0 { line = currentBlockLine }  // autolink splits leave 0:0
        let nodeColumn = Int(cmark_node_get_start_column(node))

        var rewritten: [UInt8] = []
        rewritten.reserveCapacity(bytes.count)
        /// The text without its citations, for heading anchors, search and claim excerpts.
        var prose: [UInt8] = []
        var afterLink = ""
        var copied = 0
        for match in matches {
            let groupBytes = bytes[match.range]
            let found = source.find(groupBytes, inLine: line, from: searchCursor[line] ?? 0)
            if let found {
                searchCursor[line] = found + groupBytes.count
                // cmark decodes `\[` to `[`; an escaped bracket is text, not a citation.
                if source.byte(before: found, inLine: line) == UInt8(ascii: "\\") { continue }
            }
            let groupStart = found ?? max(0, nodeColumn - 1)
            // The group's position first: positions are cheapest asked for left to right.
            let groupPosition = source.position(cmarkLine: line, byteIndex: groupStart)
            let items = match.items.map { item in
                CitationItem(
                    key: item.key, locator: item.locator,
                    position: source.position(
                        cmarkLine: line, byteIndex: groupStart + (item.offset - match.range.lowerBound)))
            }
            let index = citationGroups.count
            citationGroups.append(
                CitationGroup(items: items, position: groupPosition))
            rewritten += bytes[copied..<match.range.lowerBound]
            prose += bytes[copied..<match.range.lowerBound]
            if openLinks.isEmpty {
                rewritten += CitationPlaceholder.marker(index).utf8
            } else {
                afterLink += CitationPlaceholder.marker(index)
            }
            copied = match.range.upperBound
            if let claim = currentClaim { claims[claim].isCited = true }
        }
        rewritten += bytes[copied...]
        prose += bytes[copied...]
        let proseText = String(decoding: prose, as: UTF8.self)
        appendText(graded ? CitationPlaceholder.stripMarkers(proseText) : proseText)
        if copied > 0 || text != original {
            cmark_node_set_literal(node, String(decoding: rewritten, as: UTF8.self))
        }
        if let outermost = openLinks.first, !afterLink.isEmpty {
            if markersAfterLinks.last?.link == outermost.node {
                markersAfterLinks[markersAfterLinks.count - 1].markers += afterLink
            } else {
                markersAfterLinks.append((outermost.node, afterLink))
            }
        }
    }

    /// `text` with each grade tag (`[grade: 1A]`) replaced by its placeholder, each recorded
    /// with its position and the claim it grades.
    private mutating func markGrades(_ text: String, _ node: OpaquePointer) -> String {
        let bytes = Array(text.utf8)
        let matches = GradeScanner.scan(bytes)
        guard !matches.isEmpty else { return text }
        var line = Int(cmark_node_get_start_line(node))
        if line == 0 { line = currentBlockLine }
        // The search starts at the text itself where its column can be trusted (on its block's
        // first line), so that the same tag in a code span before it is not taken for it.
        let column = Int(cmark_node_get_start_column(node))
        let start = line == currentBlockLine && column > 0 ? column - 1 : 0
        var rewritten: [UInt8] = []
        var copied = 0
        for match in matches {
            let tag = bytes[match.range]
            let found = source.find(tag, inLine: line, from: max(gradeCursor[line] ?? 0, start))
            if let found {
                gradeCursor[line] = found + tag.count
                if source.byte(before: found, inLine: line) == UInt8(ascii: "\\") { continue }
            }
            let position = source.position(
                cmarkLine: line, byteIndex: found ?? max(0, Int(cmark_node_get_start_column(node)) - 1))
            rewritten += bytes[copied..<match.range.lowerBound]
            rewritten += GradePlaceholder.marker(grades.count).utf8
            copied = match.range.upperBound
            grades.append(GradeTag(grade: match.grade, position: position, claim: currentClaim))
            if let claim = currentClaim { claims[claim].gradeCount += 1 }
        }
        rewritten += bytes[copied...]
        return String(decoding: rewritten, as: UTF8.self)
    }

    private mutating func visitLink(_ node: OpaquePointer, isImage: Bool) {
        let destination = cmark_node_get_url(node).map { String(cString: $0) } ?? ""
        var line = Int(cmark_node_get_start_line(node))
        if line == 0 { line = currentBlockLine }
        let needle = Array(destination.utf8)[...]
        let position: TextPosition
        if let found = source.find(needle, inLine: line, from: 0) {
            position = source.position(cmarkLine: line, byteIndex: found)
        } else {
            position = source.position(cmarkLine: line, byteIndex: Int(cmark_node_get_start_column(node)) - 1)
        }
        links.append(Link(destination: destination, isImage: isImage, position: position))
        let url = rewriteURL(destination, isImage)
        if url != destination { cmark_node_set_url(node, url) }
    }

    private func literal(_ node: OpaquePointer) -> String {
        cmark_node_get_literal(node).map { String(cString: $0) } ?? ""
    }

    /// Puts the citations found in link text right after their links, once the walk is over
    /// (a node inserted during it would be walked, and its markers stripped as the author's).
    func placeCitationsAfterLinks() {
        for (link, markers) in markersAfterLinks {
            let text = cmark_node_new(CMARK_NODE_TEXT)!
            cmark_node_set_literal(text, markers)
            cmark_node_insert_after(link, text)
        }
    }

    // MARK: Heading anchors

    /// Swaps each heading for a custom block that emits `<hN id="anchor">`; cmark's own
    /// renderer has no way to give a heading an id.
    func replaceHeadings() {
        for heading in headingNodes {
            let block = cmark_node_new(CMARK_NODE_CUSTOM_BLOCK)!
            cmark_node_set_on_enter(block, "<h\(heading.level) id=\"\(heading.anchor.htmlEscaped)\">")
            cmark_node_set_on_exit(block, "</h\(heading.level)>")
            while let child = cmark_node_first_child(heading.node) {
                cmark_node_unlink(child)
                cmark_node_append_child(block, child)
            }
            cmark_node_insert_before(heading.node, block)
            cmark_node_unlink(heading.node)
            cmark_node_free(heading.node)
        }
    }
}
