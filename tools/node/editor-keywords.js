// The one keyword of yaml-language-server's own in schema/partnership-agreement.editor.schema.json:
// `errorMessage`, the Danish text an editor shows when a value does not fit. It only changes the
// message, so Ajv may know it as an annotation and check everything else in strict mode.
module.exports = (ajv) => ajv.addKeyword({ keyword: "errorMessage", schemaType: "string" });
