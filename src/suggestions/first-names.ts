// Given names whose bearers are, in news usage, overwhelmingly women or men: used only when the
// text itself says nothing (no "Mr"/"Ms", no "spokeswoman", no pronoun already tied to the name),
// so that "she" does not resolve to Paul Novak named just before Maria Santos. A short hand-kept
// list of common names across the languages of international news; names used for both (Alex,
// Andrea, Jean, Kim, Sasha …) are left out on purpose: unknown gender rules nothing out.
export type Gender = "female" | "male";

const FEMALE = `anna ana ann anne amina amara aisha alice amal amelia angela anita beatriz carla carmen
catherine chloe claire clara daniela diana elena elif elizabeth ellen emily emma eva fatima
fiona grace hannah helen ines ingrid irene isabel jane julia karen karin katarzyna laila lara
laura lena lisa lucia maria marie marta martina mary maya miriam monica nadia natalia nina
olga priya rachel rosa ruth sara sarah sofia sophie susan svetlana tatiana valentina vera věra
yasmin zeynep agnieszka ayesha chiara elisa giulia helga ewa`;

const MALE = `adam ahmed alan albert alejandro ali andrei antonio ben carlos daniel david dmitri emmanuel
erik francisco frank george hans henrik hikmat ibrahim ivan jacob jakub james jan javier john
jonas jorge jose josé joseph juan karl khalid lars luis marco mark martin michael mohammed
muhammad nikolai oskar pablo paul pedro peter pieter piotr rafael robert samuel sergei stefan
sven thomas tom tunde viktor william yusuf omar gabor joao joão kofi olu arne virgil ilham`;

const GIVEN = new Map<string, Gender>([
  ...FEMALE.split(/\s+/).map((name): [string, Gender] => [name, "female"]),
  ...MALE.split(/\s+/).map((name): [string, Gender] => [name, "male"]),
]);

/** The gender a given name tells, if the list knows it. */
export function genderOfGivenName(name: string): Gender | undefined {
  return GIVEN.get(name.toLowerCase());
}
