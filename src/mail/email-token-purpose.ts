/** What an emailed link is for; stored in `email_tokens.purpose`. A token of one purpose never serves another. */
export enum EmailTokenPurpose {
  VERIFY = 'verify',
  RESET = 'reset',
  NOT_ME = 'not_me',
}
