// Security keys and passkeys (WebAuthn) for the mfa pages. Each [data-mfa-webauthn] block
// names its ceremony ("register" or "authenticate") and the server's begin/complete URLs
// (django-otp-webauthn); on success the browser goes to data-done-url.
const toBytes = (value) => {
  const base64 = value.replace(/-/g, "+").replace(/_/g, "/");
  const padded = base64 + "=".repeat((4 - (base64.length % 4)) % 4);
  return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
};

const toBase64url = (buffer) => {
  const text = String.fromCharCode(...new Uint8Array(buffer));
  return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
};

const post = async (url, token, body) => {
  const response = await fetch(url, {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRFToken": token },
    body: JSON.stringify(body || {}),
  });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) {
    throw new Error(data.detail || "Your security key could not be used. Try again.");
  }
  return data;
};

const creationOptions = (options) => ({
  ...options,
  challenge: toBytes(options.challenge),
  user: { ...options.user, id: toBytes(options.user.id) },
  excludeCredentials: (options.excludeCredentials || []).map((c) => ({ ...c, id: toBytes(c.id) })),
});

const requestOptions = (options) => ({
  ...options,
  challenge: toBytes(options.challenge),
  allowCredentials: (options.allowCredentials || []).map((c) => ({ ...c, id: toBytes(c.id) })),
});

const credentialJson = (credential) => {
  const response = credential.response;
  const json = {
    id: credential.id,
    rawId: toBase64url(credential.rawId),
    type: credential.type,
    authenticatorAttachment: credential.authenticatorAttachment,
    clientExtensionResults: credential.getClientExtensionResults(),
    response: { clientDataJSON: toBase64url(response.clientDataJSON) },
  };
  if (response.attestationObject) {
    json.response.attestationObject = toBase64url(response.attestationObject);
    json.response.transports = response.getTransports ? response.getTransports() : [];
  } else {
    json.response.authenticatorData = toBase64url(response.authenticatorData);
    json.response.signature = toBase64url(response.signature);
    if (response.userHandle) json.response.userHandle = toBase64url(response.userHandle);
  }
  return json;
};

const run = async (block) => {
  const token = block.dataset.csrfToken;
  const options = await post(block.dataset.beginUrl, token);
  const credential =
    block.dataset.mfaWebauthn === "register"
      ? await navigator.credentials.create({ publicKey: creationOptions(options) })
      : await navigator.credentials.get({ publicKey: requestOptions(options) });
  if (!credential) throw new Error("No security key was used. Try again.");
  await post(block.dataset.completeUrl, token, credentialJson(credential));
  window.location.assign(block.dataset.doneUrl || "/");
};

if (window.PublicKeyCredential) {
  document.querySelectorAll("[data-mfa-webauthn]").forEach((block) => {
    const error = block.querySelector("[data-mfa-webauthn-error]");
    const button = block.querySelector("[data-mfa-webauthn-start]");
    block.hidden = false;
    button.addEventListener("click", () => {
      error.hidden = true;
      button.disabled = true;
      run(block).catch((problem) => {
        error.textContent = problem.name === "NotAllowedError"
          ? "The security key was not used, or took too long. Try again."
          : problem.message;
        error.hidden = false;
        button.disabled = false;
      });
    });
  });
}
