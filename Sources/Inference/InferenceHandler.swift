/// The four functions of a SageMaker `inference.py`, typed. A server calls `modelFn` once at start-up, then for
/// each request `transform`, which composes the other three. Implement all four, or start from `SSDHandler` and
/// wrap it (docs/HTTP-API.md, samples/PeopleCounter).
///
/// Every function reports failure as an `InferenceError`, which carries its HTTP status.
public protocol InferenceHandler: Sendable {
    /// What `modelFn` loads: shared by all requests, so it must be safe to use from several at once.
    associatedtype Model: Sendable
    /// A decoded request.
    associatedtype Input: Sendable
    /// A request's result, before encoding.
    associatedtype Prediction: Sendable
    /// What outputFn is asked for: by default the Accept header as it came; a handler with formats of its own
    /// reads the header once, in `responseFormat(accept:)`, into one of them.
    associatedtype ResponseFormat: Sendable = String?

    /// Loads, plans and warms up the model in `modelDirectory`. Called once, before the server is ready.
    func modelFn(modelDirectory: String) async throws(InferenceError) -> Model

    /// Decodes a request body of `contentType` (the Content-Type header, parameters included, or nil).
    func inputFn(body: [UInt8], contentType: String?) async throws(InferenceError) -> Input

    /// Runs the model on an input.
    func predictFn(input: Input, model: Model) async throws(InferenceError) -> Prediction

    /// Encodes a prediction for `accept` (what `responseFormat(accept:)` made of the Accept header): the body and
    /// its content type.
    func outputFn(prediction: Prediction, accept: ResponseFormat) async throws(InferenceError)
        -> (body: [UInt8], contentType: String)

    /// Reads the Accept header (or nil) once, before the other functions are called, into what outputFn will be
    /// asked for; throws 406 when outputFn could not answer it, so that such a request costs no inference.
    /// Optional where `ResponseFormat` is the header itself.
    func responseFormat(accept: String?) throws(InferenceError) -> ResponseFormat
}

extension InferenceHandler where ResponseFormat == String? {
    /// The header as it came: outputFn reads it, and no request is refused before the work.
    public func responseFormat(accept: String?) throws(InferenceError) -> String? { accept }
}

extension InferenceHandler {
    /// One request: inputFn, predictFn, outputFn. The body is the caller's no more: it is freed once inputFn has
    /// parsed it, not held through the inference.
    public func transform(body: consuming [UInt8], contentType: String?, accept: String?, model: Model)
        async
        throws(InferenceError) -> (body: [UInt8], contentType: String)
    {
        let format = try responseFormat(accept: accept)
        let input = try await inputFn(body: body, contentType: contentType)
        let prediction = try await predictFn(input: input, model: model)
        return try await outputFn(prediction: prediction, accept: format)
    }
}
