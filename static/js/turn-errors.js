// Provider refusals, in words a person reads: the provider's own sentence without request ids,
// contact addresses or machine-readable lists, and the categories it flagged.

const PROVIDER_PART = /\(Provider:\s*([\s\S]*)\)\s*$/;
const CATEGORIES = /safety_violations=\[([^\]]*)\]\.?/;
// Sentences meant for the provider's support desk, not for the person drawing.
const SUPPORT_SENTENCE = /[^.]*(?:help\.openai\.com|request ID|contact us)[^.]*\.?/gi;

/** ``{said, categories}`` from a blocked turn's error: the provider's words travel in
 * ``detail.params.message`` (the message itself is in the reader's language); an error
 * without a detail has them at the end of its English message. */
export function describeBlock(error) {
  const provider = error?.detail?.params?.message ?? PROVIDER_PART.exec(error?.message || "")?.[1] ?? "";
  const listed = CATEGORIES.exec(provider)?.[1] || "";
  const categories = listed.split(",").map((c) => c.trim().replaceAll("/", " or ").replaceAll("-", " "))
    .filter(Boolean);
  const said = provider.replace(CATEGORIES, "").replace(SUPPORT_SENTENCE, "").replace(/\s+/g, " ").trim();
  return { said, categories };
}
