-- Generated signing keys are stored encrypted with the key-encryption key (PLANSYNC_KEY_ENCRYPTION_KEY, Tink AEAD
-- AES256-GCM bound to the service and kid). Rows older versions wrote in plaintext are encrypted by the service on
-- its next start with a key-encryption key; private_key_pem is then cleared. Only development keeps plaintext.
alter table signing_keys alter column private_key_pem drop not null;
alter table signing_keys add column private_key_encrypted bytea;
alter table signing_keys add constraint signing_keys_one_form
    check ((private_key_pem is null) <> (private_key_encrypted is null));
