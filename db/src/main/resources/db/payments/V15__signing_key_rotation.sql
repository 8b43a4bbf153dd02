-- Generated signing keys rotate themselves (io.plansync.support.keys.SigningKeyRotation): each key is published
-- (in the JWKS) from publish_at, signs from activate_at, and is refused from retire_at. Every replica reads the same
-- rows, so all agree which key is current. The newest key becomes the current one; older generated keys were never
-- published by earlier versions and are retired now.
alter table signing_keys add column publish_at timestamptz;
alter table signing_keys add column activate_at timestamptz;
alter table signing_keys add column retire_at timestamptz;
update signing_keys set publish_at = created_at, activate_at = created_at;
update signing_keys set retire_at = now()
    where kid <> (select kid from signing_keys order by created_at desc, kid limit 1);
alter table signing_keys alter column publish_at set not null;
alter table signing_keys alter column activate_at set not null;
alter table signing_keys alter column publish_at set default now();
alter table signing_keys alter column activate_at set default now();
