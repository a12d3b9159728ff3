/* The floor for Sourced's benchmark: render Markdown files through the cmark-gfm library,
 * page by page in one process, with the extensions Sourced attaches. Built by scripts/bench:
 *   cc -O2 scripts/cmark-floor.c $(pkg-config --cflags --libs libcmark-gfm) -o floor
 *   floor FILE.md|FOLDER ... (prints the number of HTML bytes it produced)
 * A folder stands for every .md file in it, so 50,000 pages need no 50,000 arguments.
 */
#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>

static char *read_file(const char *path, size_t *length) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long size = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *buffer = malloc(size > 0 ? (size_t)size : 1);
  *length = fread(buffer, 1, (size_t)size, f);
  fclose(f);
  return buffer;
}

static unsigned long long total = 0;

static int render_file(const char *path) {
  static const char *extensions[] = {"table", "strikethrough", "autolink", "tagfilter", "tasklist"};
  {
    size_t length = 0;
    char *text = read_file(path, &length);
    if (!text) { fprintf(stderr, "cannot read %s\n", path); return 2; }
    cmark_parser *parser = cmark_parser_new(CMARK_OPT_FOOTNOTES);
    for (size_t e = 0; e < sizeof extensions / sizeof *extensions; e++) {
      cmark_syntax_extension *extension = cmark_find_syntax_extension(extensions[e]);
      if (extension) cmark_parser_attach_syntax_extension(parser, extension);
    }
    cmark_parser_feed(parser, text, length);
    cmark_node *root = cmark_parser_finish(parser);
    char *html = cmark_render_html(root, CMARK_OPT_FOOTNOTES, cmark_parser_get_syntax_extensions(parser));
    total += strlen(html);
    free(html);
    cmark_node_free(root);
    cmark_parser_free(parser);
    free(text);
  }
  return 0;
}

int main(int argc, char **argv) {
  cmark_gfm_core_extensions_ensure_registered();
  for (int i = 1; i < argc; i++) {
    struct stat info;
    if (stat(argv[i], &info) == 0 && S_ISDIR(info.st_mode)) {
      DIR *folder = opendir(argv[i]);
      if (!folder) { fprintf(stderr, "cannot read %s\n", argv[i]); return 2; }
      struct dirent *entry;
      while ((entry = readdir(folder))) {
        size_t n = strlen(entry->d_name);
        if (n < 4 || strcmp(entry->d_name + n - 3, ".md") != 0) continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", argv[i], entry->d_name);
        if (render_file(path)) return 2;
      }
      closedir(folder);
    } else if (render_file(argv[i])) {
      return 2;
    }
  }
  printf("%llu\n", total);
  return 0;
}
